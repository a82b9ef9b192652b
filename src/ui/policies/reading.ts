// Pure reading of a policy record for the Policies view: which training metrics each method logs
// (DPO's rewards/*, PPO's and RLOO's objective/*, policy/*, loss/*) and their chart titles, and
// the one-line verdicts written from the numbers: iterative DPO's true utility against the reward
// model's score over the iterations, and an arm's reward-hacking gap per persona set. No React
// here, so the unit tests read the same sentences the view shows.
import type { PolicyArmResult, PolicyIterationResult } from '../../protocol/policy';
import type { CurvePoint } from '../../protocol/record';
import { axisTick } from '../format';

export interface CurveMetric {
  metric: string;
  title: string;
  /** A fixed y range (shares and accuracies); absent: the data's. */
  domain?: [number, number];
}

/** Every curve the policy runner logs that the view charts, in the order shown: the shared loss,
 * then DPO's (offline and iterative), then the online RL methods' (TRL's PPOTrainer/RLOOTrainer names). */
export const POLICY_CURVE_METRICS: readonly CurveMetric[] = [
  { metric: 'loss', title: 'Loss (loss)' },
  { metric: 'rewards/accuracies', title: 'Training accuracy (rewards/accuracies)', domain: [0, 1] },
  { metric: 'rewards/margins', title: 'Reward margin, chosen − rejected (rewards/margins)' },
  { metric: 'objective/scores', title: "Reward model's score of the samples (objective/scores)" },
  { metric: 'objective/rlhf_reward', title: 'Score − KL penalty (objective/rlhf_reward)' },
  { metric: 'objective/kl', title: 'KL to the reference per answer, nats (objective/kl)' },
  { metric: 'policy/approxkl_avg', title: 'Approximate KL to the rollout policy (policy/approxkl_avg)' },
  { metric: 'policy/clipfrac_avg', title: 'Share of clipped ratios (policy/clipfrac_avg)', domain: [0, 1] },
  { metric: 'loss/policy_avg', title: 'Policy loss (loss/policy_avg)' },
  { metric: 'loss/value_avg', title: 'Value loss, PPO only (loss/value_avg)' },
];

/** A curve's axis tick: axisTick, but values under 1e-3 in exponent form (PPO's policy loss sits
 * near 1e-5, where axisTick's four decimals would write "-0" five times). */
export function curveTick(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && a < 1e-3 ? v.toExponential(1).replace(/^-/, '−') : axisTick(v);
}

/** A curve value in the curves' table: three decimals, or three significant digits under 1e-3. */
export function curveValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return a !== 0 && a < 1e-3 ? v.toExponential(2) : v.toFixed(3);
}

/** The metrics of POLICY_CURVE_METRICS that at least one arm logged, each with the arms that did. */
export function curveMetricsPresent(curves: Record<string, CurvePoint[]>): Array<CurveMetric & { arms: string[] }> {
  return POLICY_CURVE_METRICS.flatMap((m) => {
    const arms = Object.entries(curves)
      .filter(([, points]) => points.some((p) => typeof p[m.metric] === 'number' && Number.isFinite(p[m.metric])))
      .map(([label]) => label);
    return arms.length > 0 ? [{ ...m, arms }] : [];
  });
}

/** The final-metrics table's columns: the known TRL names some arm's `final` holds, in chart order. */
export function finalMetricColumns(finals: Array<Record<string, number>>): string[] {
  const names = [...POLICY_CURVE_METRICS.map((m) => m.metric), 'logps/chosen', 'logps/rejected', 'rewards/chosen', 'rewards/rejected'];
  return names.filter((n, i) => names.indexOf(n) === i && finals.some((f) => typeof f[n] === 'number'));
}

/** A signed number with a true minus sign: −0.81, 0.05. */
export function signed(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return '–';
  const s = Math.abs(x).toFixed(digits);
  return x < 0 && Number(s) !== 0 ? `−${s}` : s;
}

/** A reward-model score: three significant digits, trailing zeros kept (22.1, 23.0, 0.0512; 1234 above 100). */
export function score(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  const s = a >= 100 ? a.toFixed(0) : a === 0 ? '0' : a.toPrecision(3);
  return x < 0 ? `−${s}` : s;
}

function movement(a: number, b: number, up: string, down: string, same: string): string {
  return b > a ? up : b < a ? down : same;
}

/**
 * One line on iterative DPO from its record: the truth's mean utility from iteration 0 to the last,
 * and the reward model's, then the verdict. The reward model's side is its score of the same
 * evaluation answers with the paired change against the start when the record has it; older records
 * have only its mean score of each iteration's samples, which come from new prompts every iteration.
 * A change whose interval includes 0 is called unclear rather than a trend.
 */
export function iterationReading(its: PolicyIterationResult[]): string {
  if (its.length === 0) return 'No iteration has been judged yet.';
  const first = its[0];
  const last = its[its.length - 1];
  const n = last.iteration - first.iteration;
  if (n === 0) return `Iteration ${first.iteration} only so far: true utility ${signed(first.utility.mean)}.`;
  const u0 = first.utility;
  const u1 = last.utility;
  // With the paired change against the start (same prompts, same samples) the change is clear when
  // its interval excludes 0; older records have only the two unpaired intervals to compare.
  const paired = last.change?.vsStart;
  const unclear = paired ? paired.lo <= 0 && paired.hi >= 0 : u1.lo <= u0.hi && u0.lo <= u1.hi;
  const because = paired ? "the paired change's interval includes 0" : 'the first and last utility intervals overlap';
  const uVerb = movement(u0.mean, u1.mean, 'rose', 'fell', 'stayed');
  const pairedText = paired ? ` (paired change ${signed(paired.mean)} [${signed(paired.lo)}, ${signed(paired.hi)}])` : '';
  const truth = `True utility ${uVerb === 'stayed' ? `stayed at ${signed(u1.mean)}` : `${signed(u0.mean)} → ${signed(u1.mean)}`} over ${n} iteration${n === 1 ? '' : 's'}${uVerb === 'stayed' ? '' : pairedText}`;
  const e0 = first.evalScore;
  const e1 = last.evalScore;
  if (e0 && e1?.vsStart) {
    const c = e1.vsStart;
    const clear = c.lo > 0 || c.hi < 0;
    const sVerb = clear ? movement(0, c.mean, 'rose', 'fell', 'stayed') : 'stayed';
    const rm = `the reward model's score of the same answers ${clear ? sVerb : 'went'} ${score(e0.mean)} → ${score(e1.mean)} (paired change ${signed(c.mean)} [${signed(c.lo)}, ${signed(c.hi)}]${clear ? '' : ', not clear'})`;
    return `${truth} while ${rm}: ${verdictOf(uVerb, sVerb, unclear, because)}.`;
  }
  const scored = its.filter((it) => it.meanScore !== null && Number.isFinite(it.meanScore));
  if (scored.length < 2) {
    const one = scored.length === 1 ? ` (the reward model's mean sample score: ${score(scored[0].meanScore!)})` : '';
    return `${truth}${one}${unclear && uVerb !== 'stayed' ? `; ${because}, so the change is not clear` : ''}.`;
  }
  const s0 = scored[0].meanScore!;
  const s1 = scored[scored.length - 1].meanScore!;
  const sVerb = movement(s0, s1, 'rose', 'fell', 'stayed');
  const rm = sVerb === 'stayed' ? `the reward model's score stayed at ${score(s1)}` : `the reward model's score ${sVerb} ${score(s0)} → ${score(s1)}`;
  return `${truth} while ${rm}: ${verdictOf(uVerb, sVerb, unclear, because)}.`;
}

/** The verdict from how the truth and the reward model moved ('rose' | 'fell' | 'stayed'). */
function verdictOf(uVerb: string, sVerb: string, unclear: boolean, because: string): string {
  if (uVerb === 'fell' && sVerb === 'rose') return unclear ? `a sign of reward hacking, though ${because}` : 'reward hacking';
  if (uVerb === 'rose' && sVerb === 'rose') return unclear ? `both rose, though ${because}` : 'the reward model and the truth agree';
  if (uVerb === 'stayed') return 'the truth did not move';
  if (uVerb === 'rose') return unclear ? 'the truth rose within its intervals' : 'the truth improved without the reward model noticing';
  if (unclear) return 'the truth fell within its intervals';
  return sVerb === 'fell' ? 'both the truth and the reward model fell' : 'the truth fell';
}

/** "seen +22.5 pts, unseen +40.8 pts": the reward-hacking gap (RM − truth win rate) of each judged set; null when no set has one. */
export function hackingGapText(arm: Pick<PolicyArmResult, 'eval'>): string | null {
  const parts = arm.eval.flatMap((e) => {
    const g = e.rewardModel?.hackingGap;
    if (g === undefined || !Number.isFinite(g)) return [];
    return [`${e.set} ${g >= 0 ? '+' : '−'}${Math.abs(100 * g).toFixed(1)} pts`];
  });
  return parts.length > 0 ? parts.join(', ') : null;
}
