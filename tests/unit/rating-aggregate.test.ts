// The blind-rating aggregation against hand-computed cases: win rates with Wilson intervals, the
// Bradley–Terry fit (closed forms for two systems, and three systems whose counts are exactly
// proportional to known strengths), seeded bootstrap intervals, and Cohen's κ.
import { describe, expect, it } from 'vitest';
import { agreement, bradleyTerry, pairRates, strengths, type Comparison, type Verdict } from '../../src/experiments/rating/aggregate';
import { quantile } from '../../src/experiments/results/intervals';

const games = (a: string, b: string, winsA: number, ties: number, winsB: number): Comparison[] => [
  ...Array.from({ length: winsA }, () => ({ a, b, score: 1 as const })),
  ...Array.from({ length: ties }, () => ({ a, b, score: 0.5 as const })),
  ...Array.from({ length: winsB }, () => ({ a, b, score: 0 as const })),
];

describe('pairRates', () => {
  it('counts ties half and gives the Wilson interval (3 wins, 1 tie, 1 loss: 0.7 in [0.2988, 0.9274])', () => {
    // Shown in either order, the pair is named in sorted order.
    const cs = [...games('trained', 'base', 1, 1, 0), ...games('base', 'trained', 3, 0, 0)];
    const [r] = pairRates(cs);
    expect(r).toMatchObject({ a: 'base', b: 'trained', n: 5, winsA: 3, ties: 1, winsB: 1 });
    expect(r.rate).toBeCloseTo(0.7, 12);
    expect(r.lo).toBeCloseTo(0.298791054, 8);
    expect(r.hi).toBeCloseTo(0.92741596, 7);
  });

  it('lists every pair that met, and ignores a system against itself', () => {
    const cs = [...games('a', 'b', 1, 0, 0), ...games('c', 'a', 1, 0, 1), ...games('b', 'b', 1, 0, 0)];
    expect(pairRates(cs).map((r) => `${r.a}-${r.b}:${r.n}`)).toEqual(['a-b:1', 'a-c:2']);
  });
});

describe('bradleyTerry', () => {
  it('two systems, plain fit: θ = ±ln(3)/2 for 3 wins to 1', () => {
    const t = bradleyTerry(games('x', 'y', 3, 0, 1), ['x', 'y'], { prior: 0 });
    expect(t[0]).toBeCloseTo(Math.log(3) / 2, 9);
    expect(t[1]).toBeCloseTo(-Math.log(3) / 2, 9);
  });

  it('the prior adds one virtual tie: 3.5 to 1.5, θ = ±ln(3.5/1.5)/2', () => {
    const t = bradleyTerry(games('x', 'y', 3, 0, 1), ['x', 'y']);
    expect(t[0]).toBeCloseTo(0.42364893, 7);
    // A sweep stays finite with the prior.
    const sweep = bradleyTerry(games('x', 'y', 10, 0, 0), ['x', 'y']);
    expect(sweep[0]).toBeCloseTo(Math.log(10.5 / 0.5) / 2, 7);
  });

  it('three systems with counts proportional to strengths 4:2:1 recover log(4,2,1), centred', () => {
    // P(a>b) = 4/6 (2 of 3), P(b>c) = 2/3 (2 of 3), P(a>c) = 4/5 (4 of 5): the MLE equations hold exactly.
    const cs = [...games('a', 'b', 2, 0, 1), ...games('b', 'c', 2, 0, 1), ...games('a', 'c', 4, 0, 1)];
    const t = bradleyTerry(cs, ['a', 'b', 'c'], { prior: 0 });
    expect(t[0]).toBeCloseTo(Math.log(2), 8);
    expect(t[1]).toBeCloseTo(0, 8);
    expect(t[2]).toBeCloseTo(-Math.log(2), 8);
  });

  it('a system never compared gets NaN; a tie splits evenly', () => {
    const t = bradleyTerry(games('a', 'b', 0, 4, 0), ['a', 'b', 'z'], { prior: 0 });
    expect(t[0]).toBeCloseTo(0, 12);
    expect(t[1]).toBeCloseTo(0, 12);
    expect(t[2]).toBeNaN();
  });
});

describe('strengths (bootstrap)', () => {
  const small = games('base', 'trained', 1, 0, 3);
  const large = games('base', 'trained', 100, 0, 300);

  it('is reproducible from the seed and differs with another seed', () => {
    const mixed = [...games('a', 'b', 5, 2, 3), ...games('b', 'c', 4, 1, 2), ...games('a', 'c', 3, 0, 1)];
    const one = strengths(mixed, { seed: 7, resamples: 100 });
    expect(strengths(mixed, { seed: 7, resamples: 100 })).toEqual(one);
    expect(strengths(mixed, { seed: 8, resamples: 100 })).not.toEqual(one);
  });

  it('brackets the fit and narrows with 100 times the votes in the same proportion', () => {
    const s = strengths(small, { seed: 1, resamples: 200 });
    const l = strengths(large, { seed: 1, resamples: 200 });
    for (const x of [...s, ...l]) {
      expect(x.lo).toBeLessThanOrEqual(x.theta + 1e-9);
      expect(x.hi).toBeGreaterThanOrEqual(x.theta - 1e-9);
    }
    const width = (v: typeof s) => v[1].hi - v[1].lo;
    expect(width(l)).toBeLessThan(width(s) / 3);
    // The trained system is stronger, and with 400 votes its interval excludes 0.
    expect(l[1]).toMatchObject({ system: 'trained', comparisons: 400 });
    expect(l[1].lo).toBeGreaterThan(0);
  });

  it('quantile interpolates linearly', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, 2, 3], 0.5)).toBe(2);
  });
});

describe("agreement (Cohen's κ)", () => {
  it('hand-computed: p_o = 0.7, p_e = 0.46, κ = 0.24 / 0.54', () => {
    const rows: Array<[Verdict, Verdict, number]> = [
      ['A', 'A', 4],
      ['B', 'B', 3],
      ['A', 'B', 1],
      ['B', 'A', 1],
      ['tie', 'A', 1],
    ];
    const pairs = rows.flatMap(([x, y, k]) => Array.from({ length: k }, () => [x, y] as const));
    const a = agreement(pairs);
    expect(a).toMatchObject({ n: 10, agree: 7 });
    expect(a.percent).toBeCloseTo(0.7, 12);
    expect(a.kappa).toBeCloseTo(0.24 / 0.54, 12);
  });

  it('perfect agreement is κ = 1; agreement at chance is κ = 0; one shared label only is undefined', () => {
    expect(agreement([['A', 'A'], ['B', 'B']]).kappa).toBeCloseTo(1, 12);
    // Human always A, judge A/B half each: p_o = 0.5 = p_e.
    expect(agreement([['A', 'A'], ['A', 'B']]).kappa).toBeCloseTo(0, 12);
    expect(agreement([['A', 'A'], ['A', 'A']]).kappa).toBeNaN();
    expect(agreement([]).n).toBe(0);
  });
});
