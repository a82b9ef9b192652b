// The Compare view's truth reading of an answer: the Bayes-best answer matches every preferred
// pole and scores its utility; its mirror misses every pole and scores the worst answer's utility
// when the oracle and Bayes agree; another question's answer and garbled text are invalid, saying why.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILTIN, QUESTIONS, bayesBestAnswer, generateBuiltin, oracleBestAnswer, responseText } from '../../src/data';
import { truthView } from '../../src/experiments/rating/truth-view';

const ds = generateBuiltin(DEFAULT_BUILTIN);

describe('truthView', () => {
  const persona = ds.personas[3].id;
  const q = QUESTIONS[0];

  it('reads the Bayes-best answer as matching every preferred pole, with its utility', () => {
    const best = bayesBestAnswer(ds, persona, q.id);
    const v = truthView(ds, persona, q.id, best.text);
    expect(v.valid).toBe(true);
    expect(v.axes.map((a) => a.match)).toEqual([true, true, true, true]);
    expect(v.axes.every((a) => a.expressed === a.preferred)).toBe(true);
    expect(v.utility).toBeCloseTo(best.utility, 12);
    expect(v.bestUtility).toBeCloseTo(oracleBestAnswer(ds, persona, q.id).utility, 12);
    expect(v.worstUtility).toBeLessThan(v.utility);
  });

  it('marks every pole of the mirrored answer as a miss', () => {
    const best = bayesBestAnswer(ds, persona, q.id);
    const v = truthView(ds, persona, q.id, responseText(q, best.poles.map((p) => -p)));
    expect(v.axes.map((a) => a.match)).toEqual([false, false, false, false]);
    expect(v.utility).toBeLessThan(bayesBestAnswer(ds, persona, q.id).utility);
  });

  it('says why an answer is invalid', () => {
    const other = QUESTIONS.find((x) => x.topic !== q.topic)!;
    const offTopic = truthView(ds, persona, q.id, responseText(other, other.axes.map(() => 1)));
    expect(offTopic).toMatchObject({ valid: false, invalidWhy: 'answers another question' });
    const garbled = truthView(ds, persona, q.id, 'zzz qqq blorp');
    expect(garbled.valid).toBe(false);
    expect(garbled.invalidWhy).toMatch(/not readable/);
    expect(garbled.axes.every((a) => a.match === null && a.expressed === 'absent')).toBe(true);
  });
});
