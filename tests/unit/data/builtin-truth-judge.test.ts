// The truth judge: planted utilities of written answers, the Bayes-best and oracle answers, and
// pairwise verdicts in which unparsed or off-topic answers lose.
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../../src/data/builtin/generator';
import { axisWeight } from '../../../src/data/builtin/model';
import { candidatePoles, neutralPoles, responseText } from '../../../src/data/builtin/responses';
import {
  bayesBestAnswer,
  blindBestPoles,
  compareJudged,
  judgeAnswer,
  judgePair,
  oracleBestAnswer,
  tallyPairs,
  type PairJudgement,
} from '../../../src/data/builtin/truth-judge';
import { Rng } from '../../../src/util/rng';

const ds = generateBuiltin({ seed: 1, personas: 300 });
const rows = ds.rows.filter((_, i) => i % 9 === 0);

describe('judgeAnswer', () => {
  it("a row's tailored answer is valid, has the oracle's utility, and no candidate beats it", () => {
    for (const r of rows) {
      const j = judgeAnswer(ds, r.personaId, r.questionId, r.data);
      const q = ds.question(r.questionId);
      const p = ds.truth.personaIndex(r.personaId);
      expect(j.valid).toBe(true);
      expect(j.utility).toBe(oracleBestAnswer(ds, r.personaId, r.questionId).utility);
      expect(j.score).toBe(j.utility);
      for (const c of candidatePoles(q)) expect(ds.truth.utility(p, q, c)).toBeLessThanOrEqual(j.utility);
      // The neutral answer reads as no pole at all: utility 0.
      expect(judgeAnswer(ds, r.personaId, r.questionId, r.original).utility).toBe(0);
    }
  });

  it('a conflicting axis counts 0, like an absent one', () => {
    const r = rows[0];
    const q = ds.question(r.questionId);
    const p = ds.truth.personaIndex(r.personaId);
    const poles = candidatePoles(q)[6];
    const flipped = poles.map((x, i) => (i === 2 ? -x : x));
    const mixed = `${responseText(q, poles)} ${responseText(q, flipped)}`;
    const j = judgeAnswer(ds, r.personaId, q.id, mixed);
    expect(j.parse.readings[2]).toBe('conflicting');
    expect(j.utility).toBe(ds.truth.utility(p, q, poles.map((x, i) => (i === 2 ? 0 : x))));
  });

  it("an invalid answer scores the persona's worst utility, below every candidate", () => {
    for (const r of rows.slice(0, 50)) {
      const q = ds.question(r.questionId);
      const p = ds.truth.personaIndex(r.personaId);
      const j = judgeAnswer(ds, r.personaId, q.id, '<html>nothing here</html>');
      expect(j.valid).toBe(false);
      const worst = -ds.truth.effectiveTaste(p, q).reduce((s, z, k) => s + axisWeight(q, k) * Math.abs(z), 0);
      expect(j.score).toBeCloseTo(worst, 12);
      for (const c of candidatePoles(q)) expect(ds.truth.utility(p, q, c)).toBeGreaterThanOrEqual(j.score - 1e-12);
    }
  });
});

describe('best answers', () => {
  it('the Bayes-best answer maximizes the expected utility given the attributes, and reads back to its poles', () => {
    for (const r of rows) {
      const q = ds.question(r.questionId);
      const p = ds.truth.personaIndex(r.personaId);
      const b = bayesBestAnswer(ds, r.personaId, q.id);
      const expectedU = (poles: readonly number[]) => q.axes.reduce((s, axis, k) => s + axisWeight(q, k) * ds.truth.tasteOf(p, axis) * poles[k], 0);
      for (const c of candidatePoles(q)) expect(expectedU(c)).toBeLessThanOrEqual(expectedU(b.poles) + 1e-12);
      expect(judgeAnswer(ds, r.personaId, q.id, b.text).parse.poles).toEqual(b.poles);
      expect(b.utility).toBe(ds.truth.utility(p, q, b.poles));
    }
  });

  it('against a base with random poles the Bayes-best answer wins about 85% (the scale issue 11 quotes)', () => {
    const rng = new Rng(3);
    const judgements: PairJudgement[] = [];
    for (const r of ds.rows) {
      const q = ds.question(r.questionId);
      const base = q.axes.map(() => (rng.next() < 0.5 ? 1 : -1));
      judgements.push(judgePair(ds, r.personaId, q.id, bayesBestAnswer(ds, r.personaId, q.id).text, responseText(q, base)));
    }
    const t = tallyPairs(judgements);
    expect(t.pairs).toBe(ds.rows.length);
    expect(t.winRate).toBeGreaterThan(0.82);
    expect(t.winRate).toBeLessThan(0.88);
    expect(t.invalidA.rate + t.invalidB.rate).toBe(0);
  });

  it('the persona-blind best answer takes the sign of the mean taste on each axis', () => {
    const q = ds.questions[10];
    const blind = blindBestPoles(ds, q);
    q.axes.forEach((axis, k) => {
      const mean = ds.personas.reduce((s, _, p) => s + ds.truth.tasteOf(p, axis), 0) / ds.personas.length;
      expect(blind[k]).toBe(mean >= 0 ? 1 : -1);
    });
  });
});

describe('judgePair and tallyPairs', () => {
  it('orders valid answers by utility; the same poles in another order tie', () => {
    for (const r of rows.slice(0, 60)) {
      const q = ds.question(r.questionId);
      const p = ds.truth.personaIndex(r.personaId);
      for (const c of candidatePoles(q)) {
        const j = judgePair(ds, r.personaId, q.id, r.data, responseText(q, c));
        const same = c.join() === ds.truth.bestPoles(p, q).join();
        expect(j.outcome).toBe(same ? 'tie' : 'win');
        expect(judgePair(ds, r.personaId, q.id, responseText(q, c), r.data).outcome).toBe(same ? 'tie' : 'loss');
      }
      const reordered = r.data.split(/(?<=[.!?])\s/).reverse().join('  ');
      expect(judgePair(ds, r.personaId, q.id, r.data, reordered).outcome).toBe('tie');
    }
  });

  it('unparsed and off-topic answers lose to any valid one, tie with each other, and their rates are reported', () => {
    const r = rows[1];
    const q = ds.question(r.questionId);
    const otherQ = ds.questions.find((x) => x.id !== q.id)!;
    const worstPoles = ds.truth.bestPoles(ds.truth.personaIndex(r.personaId), q).map((x) => -x);
    const worst = responseText(q, worstPoles);
    const offTopic = responseText(otherQ, neutralPoles(otherQ));
    const js = [
      judgePair(ds, r.personaId, q.id, worst, ''), // win: the worst valid answer beats an empty one
      judgePair(ds, r.personaId, q.id, offTopic, worst), // loss
      judgePair(ds, r.personaId, q.id, '\u0000\u00ff garbage', offTopic), // tie: both invalid
      judgePair(ds, r.personaId, q.id, r.data, worst), // win
    ];
    expect(js.map((j) => j.outcome)).toEqual(['win', 'loss', 'tie', 'win']);
    const t = tallyPairs(js);
    expect(t).toMatchObject({ pairs: 4, wins: 2, ties: 1, losses: 1, winRate: 2.5 / 4 });
    expect(t.invalidA).toEqual({ unparsed: 1, offTopic: 1, rate: 0.5 });
    expect(t.invalidB).toEqual({ unparsed: 1, offTopic: 1, rate: 0.5 });
    expect(compareJudged(js[0].b, js[0].b)).toBe('tie');
    expect(tallyPairs([]).winRate).toBeNaN();
  });
});
