// Metrics: Wilson intervals against known values, the cluster bootstrap's coverage of a known
// difference, per-set scoring with ties, and the twin-preserving pair sample.
import { describe, expect, it } from 'vitest';
import type { PreferencePair } from '../../src/data';
import { samplePairs } from '../../src/experiments/prepare';
import { clusterScores, meanInterval, pairedBootstrapDiff, wilson, zFor } from '../../src/experiments/results/intervals';
import { pairScore, scoreSet } from '../../src/experiments/results/score';
import { Rng } from '../../src/util/rng';

describe('intervals', () => {
  it('z for common confidence levels', () => {
    expect(zFor(0.95)).toBeCloseTo(1.959964, 5);
    expect(zFor(0.99)).toBeCloseTo(2.575829, 5);
    expect(zFor(0.9)).toBeCloseTo(1.644854, 5);
  });

  it('Wilson matches textbook values', () => {
    // 8 of 10 at 95%: [0.4902, 0.9433] (Wilson 1927; e.g. statsmodels proportion_confint method="wilson").
    const [lo, hi] = wilson(8, 10);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
    const [lo0, hi0] = wilson(0, 20);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.1611, 4);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it('a mean with its normal interval: sd with n - 1; none gives NaN, one value no interval', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32 / 7.
    const m = meanInterval([2, 4, 4, 4, 5, 5, 7, 9], 0.9);
    const half = 1.644854 * Math.sqrt(32 / 7 / 8);
    expect(m.n).toBe(8);
    expect(m.mean).toBe(5);
    expect(m.lo).toBeCloseTo(5 - half, 5);
    expect(m.hi).toBeCloseTo(5 + half, 5);
    expect(meanInterval(Float64Array.of(3, 3), 0.95)).toEqual({ n: 2, mean: 3, lo: 3, hi: 3 });
    const one = meanInterval([7], 0.95);
    expect(one.mean).toBe(7);
    expect(Number.isNaN(one.lo) && Number.isNaN(one.hi)).toBe(true);
    expect(Number.isNaN(meanInterval([], 0.95).mean)).toBe(true);
  });

  it('the paired cluster bootstrap brackets a true difference and is seeded', () => {
    // 200 personas x 10 pairs; method a is right with p = 0.8, b with p = 0.7, independently.
    const rng = new Rng(3);
    const ids: string[] = [];
    const a: number[] = [];
    const b: number[] = [];
    for (let p = 0; p < 200; p++) for (let k = 0; k < 10; k++) {
      ids.push(`p${p}`);
      a.push(rng.next() < 0.8 ? 1 : 0);
      b.push(rng.next() < 0.7 ? 1 : 0);
    }
    const ca = clusterScores(ids, a);
    const cb = clusterScores(ids, b);
    const d = pairedBootstrapDiff(ca, cb, { resamples: 2000, seed: 1 });
    expect(d.lo).toBeLessThan(0.1);
    expect(d.hi).toBeGreaterThan(0.1);
    expect(d.lo).toBeGreaterThan(0);
    expect(d.hi - d.lo).toBeLessThan(0.06);
    // The bootstrap standard error is close to the analytic one: sqrt(0.8*0.2/2000 + 0.7*0.3/2000).
    expect(d.se).toBeCloseTo(Math.sqrt((0.8 * 0.2 + 0.7 * 0.3) / 2000), 2);
    expect(pairedBootstrapDiff(ca, cb, { resamples: 2000, seed: 1 })).toEqual(d);
    // The same method against itself: exactly zero.
    expect(pairedBootstrapDiff(ca, ca, { resamples: 500, seed: 2 })).toMatchObject({ diff: 0, lo: 0, hi: 0, se: 0 });
    expect(() => pairedBootstrapDiff(ca, clusterScores(['x'], [1]), { resamples: 10, seed: 1 })).toThrow(/same clusters/);
  });
});

function pair(id: string, personaId: string, questionId = 'q', otherPersonaId?: string): PreferencePair {
  const p: PreferencePair = { id, set: 'cross', personaId, questionId, instruction: '', chosen: 'a', rejected: 'b', strength: 1 };
  if (otherPersonaId) p.otherPersonaId = otherPersonaId;
  return p;
}

describe('scoring', () => {
  it('counts ties as half and groups by persona', () => {
    expect([0.9, 0.1, 0.5].map(pairScore)).toEqual([1, 0, 0.5]);
    const pairs = [pair('1', 'p1'), pair('2', 'p1'), pair('3', 'p2'), pair('4', 'p2')];
    const { score, perPersona } = scoreSet('cross', pairs, [0.9, 0.5, 0.2, 0.7], 0.95);
    expect(score).toMatchObject({ set: 'cross', n: 4, correct: 2.5, accuracy: 0.625 });
    expect(score.lo).toBeLessThan(0.625);
    expect(score.hi).toBeGreaterThan(0.625);
    expect(perPersona).toEqual([
      { personaId: 'p1', set: 'cross', n: 2, correct: 1.5 },
      { personaId: 'p2', set: 'cross', n: 2, correct: 1 },
    ]);
    expect(() => scoreSet('cross', pairs, [1], 0.95)).toThrow(/1 predictions for 4 pairs/);
  });

  it('samples cross pairs with their mirrored twins, deterministically', () => {
    const pairs: PreferencePair[] = [];
    for (let q = 0; q < 50; q++) {
      pairs.push(pair(`a${q}`, `p${q}`, `q${q}`, `r${q}`), pair(`b${q}`, `r${q}`, `q${q}`, `p${q}`));
    }
    const s = samplePairs(pairs, 21, 7, 'cross');
    expect(s.length).toBe(20);
    const ids = new Set(s.map((p) => p.questionId));
    for (const q of ids) expect(s.filter((p) => p.questionId === q)).toHaveLength(2);
    expect(samplePairs(pairs, 21, 7, 'cross')).toEqual(s);
    expect(samplePairs(pairs, 21, 8, 'cross')).not.toEqual(s);
    expect(samplePairs(pairs, null, 7, 'cross')).toHaveLength(100);
  });
});
