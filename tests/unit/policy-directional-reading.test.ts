// The Policies view's readings of a directional policy (ui/policies/directional-reading.ts) on
// records with known numbers: the verdict against the 80% target turns where the interval does,
// the sweep's reach and its verdict, and the Pareto front of a known point set.
import { describe, expect, it } from 'vitest';
import type { DirectionalResult, PoleMean, RateWithInterval } from '../../src/protocol/policy';
import { judgeReading, paretoFront, sweepRange, sweepReading } from '../../src/ui/policies/directional-reading';

const r = (wins: number, n: number, lo: number, hi: number): RateWithInterval => ({ n, wins, rate: wins / n, lo, hi });
const pm = (objective: string, mean: number): PoleMean => ({ objective, n: 10, mean, lo: mean - 0.1, hi: mean + 0.1 });

function record(flipped: RateWithInterval, xs: number[], ys: number[]): DirectionalResult {
  return {
    objectives: ['formality', 'detail'],
    rewardModel: 'm',
    judgeQuestions: ['q'],
    magnitude: 0.7,
    baseDirections: 1,
    axes: [{ objective: 'formality', n: flipped.n, flipped, changed: flipped, held: r(9, 10, 0.6, 0.98), invalidRate: 0 }],
    overall: { flipped, changed: flipped, held: r(9, 10, 0.6, 0.98) },
    sweep: { x: 'formality', y: 'detail', points: xs.map((x, i) => ({ angle: i, direction: [1, 0], values: [pm('formality', x), pm('detail', ys[i])] })), base: [pm('formality', 0.1), pm('detail', -0.2)] },
    examples: [],
  };
}

describe('directional readings', () => {
  it('the judge: met only when the interval clears 80%', () => {
    expect(judgeReading(record(r(90, 100, 0.83, 0.95), [0], [0]))).toContain('90.0% [83.0%, 95.0%] of 100 answer pairs, which meets the 80% target');
    expect(judgeReading(record(r(82, 100, 0.73, 0.88), [0], [0]))).toContain('reaches 80% but its interval goes below');
    expect(judgeReading(record(r(0, 56, 0, 0.064), [0], [0]))).toContain('0.0% [0.0%, 6.4%] of 56 answer pairs, which is short of the 80% target; the other axes hold in 90.0%');
  });

  it('the sweep: its reach on both objectives, and whether it follows', () => {
    const flat = record(r(0, 5, 0, 0.4), [0.6, 0.6, 0.6, 0.6], [-0.29, -0.29, -0.29, -0.29]);
    expect(sweepRange(flat, 'formality')).toEqual({ min: 0.6, max: 0.6 });
    expect(sweepReading(flat)).toBe("Turning the direction through the (formality, detail) plane moves formality's mean pole over [+0.60, +0.60] and detail's over [−0.29, −0.29] (base policy: +0.10, −0.20; a perfect follower spans [−1, +1] on both): the answers barely move with the direction.");
    expect(sweepReading(record(r(0, 5, 0, 0.4), [1, 0, -1, 0], [0, 1, 0, -0.9]))).toContain('the policy follows the direction.');
  });

  it('the Pareto front wanting both + poles', () => {
    expect(paretoFront([{ x: 1, y: 0 }, { x: 0, y: 1 }, { x: -1, y: 0 }, { x: 0.5, y: 0.5 }, { x: 0.4, y: 0.4 }])).toEqual([true, true, false, true, false]);
  });
});
