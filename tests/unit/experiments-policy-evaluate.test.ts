// The policy evaluation's arithmetic on answers whose verdicts are known without a model: the
// Bayes-best answers as the "policy" tie the Bayes-best (50%) and close the whole gap; garbled
// answers are all invalid and lose to valid ones; on a skewed world, Bayes-best (conditional)
// answers against the best persona-blind (marginal) ones win on the minority far more than on the
// majority, whose pole the blind answer already takes.
import { describe, expect, it } from 'vitest';
import { bayesBestAnswer, blindBestPoles, blindPoleByAxis, generateBuiltin, responseText, splitDataset } from '../../src/data';
import { evalItems, judgeSet, rate, skewComparisons, spread, vsBaseScores } from '../../src/experiments/policy/evaluate';

const ds = generateBuiltin({ seed: 4, personas: 120, questionsPerPersona: 6, skew: { formality: 0.75 } });
const split = splitDataset(ds, { seed: 1, unseenFraction: 0.2, testFraction: 0.34 });
const items = evalItems(split, { seenPersonas: 30, unseenPersonas: 20, questionsPerPersona: 2 }, 1);
const bayes = items.map((it) => bayesBestAnswer(ds, it.personaId, it.questionId).text);
const byAxis = blindPoleByAxis(ds);
const blind = items.map((it) => responseText(ds.question(it.questionId), blindBestPoles(ds, ds.question(it.questionId), byAxis)));
const zeros = items.map(() => 0);

describe('policy evaluation by the truth', () => {
  it('samples seen personas on held-out questions and unseen personas', () => {
    const seen = new Set(split.seenPersonas);
    const testKeys = new Set(split.test.map((r) => `${r.personaId}|${r.questionId}`));
    const seenItems = items.filter((x) => x.set === 'seen');
    expect(new Set(seenItems.map((x) => x.personaId)).size).toBe(30);
    expect(seenItems.every((x) => seen.has(x.personaId) && testKeys.has(`${x.personaId}|${x.questionId}`))).toBe(true);
    expect(items.filter((x) => x.set === 'unseen').every((x) => !seen.has(x.personaId))).toBe(true);
    expect(evalItems(split, { seenPersonas: 30, unseenPersonas: 20, questionsPerPersona: 2 }, 1)).toEqual(items);
  });

  it('the Bayes-best answers tie the Bayes-best and close the whole gap over the blind answers', () => {
    for (const set of ['seen', 'unseen'] as const) {
      const e = judgeSet(ds, set, items, 1, bayes, blind, zeros, 0.95);
      expect(e.vsBayes.rate).toBe(0.5);
      expect(e.invalidRate).toBe(0);
      expect(e.gapClosed).toBeCloseTo(1, 12);
      expect(e.meanUtility).toBeCloseTo(e.bestUtility, 12);
      expect(e.vsBase.rate).toBeGreaterThan(0.5);
      expect(e.vsBase.lo).toBeLessThan(e.vsBase.rate);
      expect(e.perPersona.length).toBe(e.personas);
      // The reverse: the blind answers never beat the Bayes-best.
      expect(judgeSet(ds, set, items, 1, blind, bayes, zeros, 0.95).vsBase.rate).toBeLessThan(0.5);
    }
  });

  it('garbled answers are invalid and lose to valid ones; two invalid answers tie', () => {
    const junk = items.map(() => 'lorem ipsum dolor sit amet');
    const e = judgeSet(ds, 'seen', items, 1, junk, blind, zeros, 0.95);
    expect(e.invalidRate).toBe(1);
    expect(e.vsBase.rate).toBe(0);
    expect(e.vsBayes.rate).toBe(0);
    expect(judgeSet(ds, 'seen', items, 1, junk, junk, zeros, 0.95).vsBase.rate).toBe(0.5);
  });

  it('on a skewed axis: the majority ties a pooled answer, the minority beats it', () => {
    // "Marginal" answers: the Bayes-best with the skewed axis set to the pooled (majority) pole,
    // so they differ from the conditional ones only on the minority's questions with that axis.
    const pooled = items.map((it) => {
      const q = ds.question(it.questionId);
      const poles = q.axes.map((axis, k) => (axis === 'formality' ? byAxis.formality : bayesBestAnswer(ds, it.personaId, it.questionId).poles[k]));
      return responseText(q, poles);
    });
    const [c] = skewComparisons(ds, items, 1, [{ label: 'cond', answers: bayes }, { label: 'marg', answers: pooled }], 'cond', 'marg', 0.95);
    expect(c.axis).toBe('formality');
    expect(c.minorityShare).toBeCloseTo(0.25, 1);
    expect(c.majority.n).toBeGreaterThan(5);
    expect(c.majority.rate).toBe(0.5);
    expect(c.minority.n).toBeGreaterThan(5);
    // Not every minority answer wins: the per-question noise sometimes favours the pooled pole.
    expect(c.minority.rate).toBeGreaterThan(0.55);
    // Without each arm's verdicts against the base, no per-group rates against it.
    expect(c.vsBase).toBeUndefined();
    // Against the blind answers as the base: the pooled answers only differ from them off the
    // formality axis, where they take the Bayes pole, and the Bayes-best answers beat them at least as often
    // where the blind pole is wrong for the persona: on the minority.
    const cv = vsBaseScores(ds, items, 1, bayes, blind);
    const mv = vsBaseScores(ds, items, 1, pooled, blind);
    expect(cv.every((x) => x === 0 || x === 0.5 || x === 1)).toBe(true);
    const [d] = skewComparisons(ds, items, 1, [{ label: 'cond', answers: bayes, vsBase: cv }, { label: 'marg', answers: pooled, vsBase: mv }], 'cond', 'marg', 0.95);
    const b = d.vsBase!;
    expect(b.conditional.minority.n).toBe(c.minority.n);
    expect(b.marginal.majority.n).toBe(c.majority.n);
    expect(b.conditional.minority.rate).toBeGreaterThanOrEqual(b.marginal.minority.rate);
    // On the majority both write the blind formality pole: the same verdicts against the base.
    expect(b.conditional.majority.rate).toBeCloseTo(b.marginal.majority.rate, 12);
    // The rates are the per-answer verdicts' means over the group's answers.
    const onAxis = items.map((it, i) => (ds.question(it.questionId).axes.includes('formality') ? i : -1)).filter((i) => i >= 0);
    expect(b.conditional.minority.wins + b.conditional.majority.wins).toBeCloseTo(onAxis.reduce((a, i) => a + cv[i], 0), 12);
  });

  it('rates carry Wilson intervals; spreads are quartiles', () => {
    expect(rate(7, 10, 0.95)).toMatchObject({ n: 10, wins: 7, rate: 0.7 });
    expect(spread([0, 1, 0.5, 0.25, 0.75])).toEqual({ median: 0.5, q1: 0.25, q3: 0.75, min: 0, max: 1 });
  });
});
