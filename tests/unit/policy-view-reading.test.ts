// The Policies view's readings of a record (src/ui/policies/reading.ts): iterative DPO's one-line
// verdict from the iterations (reward hacking, agreement, unclear changes whose intervals overlap,
// iteration 0 only), the reward-hacking gap per set, and the curves and final-metric columns each
// method's metrics select (DPO's rewards/*, PPO's and RLOO's objective/*, policy/*, loss/*).
import { describe, expect, it } from 'vitest';
import type { PolicyEvalSet, PolicyIterationResult } from '../../src/protocol/policy';
import type { CurvePoint } from '../../src/protocol/record';
import { curveMetricsPresent, curveTick, curveValue, finalMetricColumns, hackingGapText, iterationReading, score, signed } from '../../src/ui/policies/reading';

const rate = { n: 60, wins: 30, rate: 0.5, lo: 0.38, hi: 0.62 };

/** An iteration with utility mean ± half and the given mean sample score. */
function it_(iteration: number, mean: number, half: number, meanScore: number | null): PolicyIterationResult {
  return { iteration, prompts: 64, samplesPerPrompt: 4, pairs: 60, ties: 4, meanScore, utility: { n: 60, mean, lo: mean - half, hi: mean + half }, vsBase: rate, invalidRate: 0.1 };
}

describe('iterationReading', () => {
  it('calls a falling utility under a rising score reward hacking, with the numbers of the record', () => {
    const its = [it_(0, -0.01, 0.2, null), it_(1, -0.3, 0.2, 22.1), it_(2, -0.6, 0.2, 22.6), it_(3, -0.81, 0.2, 23.04)];
    expect(iterationReading(its)).toBe("True utility −0.01 → −0.81 over 3 iterations while the reward model's score rose 22.1 → 23.0: reward hacking.");
  });

  it('does not call it a trend when the first and last intervals overlap', () => {
    const its = [it_(0, -0.01, 1, null), it_(1, -0.2, 1, 1.5), it_(2, -0.3, 1, 1.9)];
    const r = iterationReading(its);
    expect(r).toContain('−0.01 → −0.30 over 2 iterations');
    expect(r).toContain('a sign of reward hacking, though the first and last utility intervals overlap');
  });

  it('says the reward model and the truth agree when both rise clearly', () => {
    const its = [it_(0, -1, 0.1, null), it_(1, 0, 0.1, 2), it_(2, 1.2, 0.1, 3)];
    expect(iterationReading(its)).toBe("True utility −1.00 → 1.20 over 2 iterations while the reward model's score rose 2.00 → 3.00: the reward model and the truth agree.");
  });

  it('reads a truth that did not move, one scored iteration, and iteration 0 alone', () => {
    expect(iterationReading([it_(0, -5.94, 0.6, null), it_(1, -5.94, 0.6, 1.72), it_(2, -5.94, 0.6, 1.06)])).toBe("True utility stayed at −5.94 over 2 iterations while the reward model's score fell 1.72 → 1.06: the truth did not move.");
    expect(iterationReading([it_(0, 0.5, 0.1, null), it_(1, 0.9, 0.1, 4.25)])).toBe("True utility 0.50 → 0.90 over 1 iteration (the reward model's mean sample score: 4.25).");
    expect(iterationReading([it_(0, 0.5, 0.1, null)])).toBe('Iteration 0 only so far: true utility 0.50.');
    expect(iterationReading([])).toBe('No iteration has been judged yet.');
  });

  it('judges the change by the paired interval against the start when the record has it', () => {
    const change = (lo: number, hi: number) => ({ vsPrevious: { n: 60, mean: (lo + hi) / 2, lo, hi, rose: 5, fell: 1 }, vsStart: { n: 60, mean: (lo + hi) / 2, lo, hi, rose: 9, fell: 2 } });
    // Unpaired intervals overlap (±1), but the paired change excludes 0: a clear rise.
    const clear = [it_(0, 1.3, 1, null), { ...it_(1, 1.45, 1, 19.3), change: change(0.05, 0.25) }, { ...it_(2, 1.5, 1, 19.5), change: change(0.08, 0.32) }];
    expect(iterationReading(clear)).toBe("True utility 1.30 → 1.50 over 2 iterations (paired change 0.20 [0.08, 0.32]) while the reward model's score rose 19.3 → 19.5: the reward model and the truth agree.");
    const unclear = [it_(0, 1.3, 0.01, null), { ...it_(1, 1.45, 0.01, 19.3), change: change(-0.1, 0.4) }, { ...it_(2, 1.5, 0.01, 19.5), change: change(-0.1, 0.5) }];
    expect(iterationReading(unclear)).toContain("both rose, though the paired change's interval includes 0");
  });

  it("reads the reward model on the same evaluation answers, not on each iteration's new samples, when the record has it", () => {
    const change = (lo: number, hi: number) => ({ vsPrevious: { n: 60, mean: (lo + hi) / 2, lo, hi, rose: 5, fell: 1 }, vsStart: { n: 60, mean: (lo + hi) / 2, lo, hi, rose: 9, fell: 2 } });
    const scoreAt = (mean: number, c?: [number, number]) => ({ n: 60, mean, lo: mean - 1, hi: mean + 1, ...(c ? { vsStart: { n: 60, mean: (c[0] + c[1]) / 2, lo: c[0], hi: c[1], rose: 30, fell: 20 } } : {}) });
    // The samples' score falls (new prompts each iteration) while the same answers' score rises clearly.
    const rising = [{ ...it_(0, 1.3, 1, null), evalScore: scoreAt(19) }, { ...it_(1, 1.45, 1, 19.3), change: change(0.05, 0.25), evalScore: scoreAt(19.5, [0.2, 0.8]) }, { ...it_(2, 1.5, 1, 18.8), change: change(0.08, 0.32), evalScore: scoreAt(20, [0.6, 1.4]) }];
    expect(iterationReading(rising)).toBe("True utility 1.30 → 1.50 over 2 iterations (paired change 0.20 [0.08, 0.32]) while the reward model's score of the same answers rose 19.0 → 20.0 (paired change 1.00 [0.60, 1.40]): the reward model and the truth agree.");
    // Neither change is clear: the reward model's interval includes 0 too.
    const flat = [rising[0], rising[1], { ...rising[2], change: change(-0.1, 0.5), evalScore: scoreAt(19.1, [-0.3, 0.5]) }];
    expect(iterationReading(flat)).toBe("True utility 1.30 → 1.50 over 2 iterations (paired change 0.20 [−0.10, 0.50]) while the reward model's score of the same answers went 19.0 → 19.1 (paired change 0.10 [−0.30, 0.50], not clear): the truth rose within its intervals.");
    // The truth falls clearly while the same answers' score rises clearly: reward hacking.
    const hacking = [rising[0], rising[1], { ...rising[2], utility: { n: 60, mean: 1.1, lo: 0.1, hi: 2.1 }, change: change(-0.4, -0.05) }];
    expect(iterationReading(hacking)).toContain(': reward hacking.');
  });
});

describe('number formats', () => {
  it('writes a true minus sign and no negative zero', () => {
    expect(signed(-0.814)).toBe('−0.81');
    expect(signed(-0.001)).toBe('0.00');
    expect(signed(NaN)).toBe('–');
    expect(score(23.04)).toBe('23.0');
    expect(score(-0.05123)).toBe('−0.0512');
    expect(score(1234.5)).toBe('1235');
    expect(score(0)).toBe('0');
  });

  it('keeps tiny curve values apart (PPO losses near 1e-5) and the others as axisTick writes them', () => {
    expect([-4e-5, -2e-5, 0, 2e-5].map(curveTick)).toEqual(['−4.0e-5', '−2.0e-5', '0', '2.0e-5']);
    expect(curveTick(0.25)).toBe('0.25');
    expect(curveTick(1234)).toBe('1.23k');
    expect(curveValue(-1.234e-5)).toBe('-1.23e-5');
    expect(curveValue(0.69314)).toBe('0.693');
    expect(curveValue(NaN)).toBe('–');
  });
});

describe('hackingGapText', () => {
  const set = (s: 'seen' | 'unseen', gap?: number) => ({ set: s, ...(gap === undefined ? {} : { rewardModel: { vsBase: rate, meanScore: 6, baseMeanScore: 6, hackingGap: gap } }) }) as unknown as PolicyEvalSet;
  it('names each judged set with its gap in points, and is null without a reward-model verdict', () => {
    expect(hackingGapText({ eval: [set('seen', 0.225), set('unseen', -0.408)] })).toBe('seen +22.5 pts, unseen −40.8 pts');
    expect(hackingGapText({ eval: [set('seen'), set('unseen', 0)] })).toBe('unseen +0.0 pts');
    expect(hackingGapText({ eval: [set('seen')] })).toBeNull();
  });
});

describe('curve metrics per method', () => {
  const pt = (step: number, m: Record<string, number>) => ({ step, epoch: 1, ...m }) as CurvePoint;
  const dpo = [pt(1, { loss: 0.69, 'rewards/accuracies': 0.5, 'rewards/margins': 0 }), pt(2, { loss: 0.6, 'rewards/accuracies': 1, 'rewards/margins': 0.1 })];
  const iterative = [pt(1, { loss: 0.69, 'rewards/accuracies': 0, 'rewards/margins': 0, iteration: 1, 'objective/scores': 1.7 })];
  const rloo = [pt(1, { loss: 0.1, 'objective/kl': 0.2, 'objective/scores': 2, 'objective/rlhf_reward': 1.9, 'policy/approxkl_avg': 0.01, 'policy/clipfrac_avg': 0, 'loss/policy_avg': 0.1 })];
  const ppo = [pt(1, { ...rloo[0], 'loss/value_avg': 3 })];

  it('charts only what some arm logs, naming the arms', () => {
    expect(curveMetricsPresent({ dpo }).map((m) => m.metric)).toEqual(['loss', 'rewards/accuracies', 'rewards/margins']);
    expect(curveMetricsPresent({ it: iterative }).map((m) => m.metric)).toEqual(['loss', 'rewards/accuracies', 'rewards/margins', 'objective/scores']);
    const online = curveMetricsPresent({ PPO: ppo, RLOO: rloo });
    expect(online.map((m) => m.metric)).toEqual(['loss', 'objective/scores', 'objective/rlhf_reward', 'objective/kl', 'policy/approxkl_avg', 'policy/clipfrac_avg', 'loss/policy_avg', 'loss/value_avg']);
    expect(online.find((m) => m.metric === 'loss/value_avg')!.arms).toEqual(['PPO']);
    expect(online.find((m) => m.metric === 'objective/kl')!.arms).toEqual(['PPO', 'RLOO']);
    expect(online.find((m) => m.metric === 'policy/clipfrac_avg')!.title).toContain('policy/clipfrac_avg');
    expect(curveMetricsPresent({ dpo: [pt(1, { loss: NaN })] })).toEqual([]);
  });

  it('gives the final table each method’s columns once', () => {
    expect(finalMetricColumns([{ loss: 1, 'rewards/margins': 0, 'logps/chosen': -3, steps: 2 }, { 'objective/kl': 0.1, loss: 2 }])).toEqual(['loss', 'rewards/margins', 'objective/kl', 'logps/chosen']);
  });
});
