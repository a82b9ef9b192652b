// TRL's PPO/RLOO metrics, on host arrays read back at a log interval.
// Rollout (once per batch of generations):
//   objective/kl               mean over sequences of Σ_t kl_t
//   objective/entropy          mean over sequences of Σ_t -logp_t (TRL's estimate from the samples)
//   objective/non_score_reward mean over sequences of Σ_t -kl_coef·kl_t
//   objective/rlhf_reward      objective/non_score_reward + objective/scores
//   objective/scores           mean reward-model score
// Optimisation (per minibatch, averaged over every minibatch and epoch of the batch):
//   policy/approxkl_avg  ½·masked_mean((logp - old_logp)²)   (TRL takes this mean over every
//                        position, padding included; we take it over the response tokens)
//   policy/clipfrac_avg  masked_mean[-A·clamp(ratio) > -A·ratio]
//   loss/policy_avg, loss/value_avg, val/clipfrac_avg  the clipped losses and the value clip fraction
import { ensure } from './errors';
import type { Values } from './masked';
import { maskedCount } from './masked';

export interface RolloutMetrics {
  'objective/kl': number;
  'objective/entropy': number;
  'objective/non_score_reward': number;
  'objective/rlhf_reward': number;
  'objective/scores': number;
}

/** Rollout metrics from [B, T] per-token kl and log-probs (0 off the mask) and B scores. */
export function rolloutMetrics(r: { B: number; T: number; mask: Values; kl: Values; logps: Values; scores: Values; klCoef: number }): RolloutMetrics {
  const { B, T } = r;
  ensure(r.kl.length === B * T && r.logps.length === B * T && r.mask.length === B * T, `rolloutMetrics: arrays must hold ${B * T} values`);
  ensure(r.scores.length === B, `rolloutMetrics: ${r.scores.length} scores for ${B} sequences`);
  let kl = 0;
  let ent = 0;
  let score = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (r.mask[i] === 0) continue;
      kl += r.kl[i];
      ent -= r.logps[i];
    }
    score += r.scores[b];
  }
  const nonScore = (-r.klCoef * kl) / B;
  return {
    'objective/kl': kl / B,
    'objective/entropy': ent / B,
    'objective/non_score_reward': nonScore,
    'objective/rlhf_reward': nonScore + score / B,
    'objective/scores': score / B,
  };
}

export interface PolicyStats {
  approxkl: number;
  clipfrac: number;
  /** The clipped policy loss recomputed in f64 (equal to the tape's to f32 rounding). */
  loss: number;
}

export function policyStats(logRatio: Values, advantages: Values, mask: Values, cliprange: number): PolicyStats {
  const n = maskedCount(mask);
  ensure(n > 0 && logRatio.length === mask.length && advantages.length === mask.length, 'policyStats: arrays and mask must match and select tokens');
  let kl = 0;
  let clipped = 0;
  let loss = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    const d = logRatio[i];
    const ratio = Math.exp(d);
    const pg = -advantages[i] * ratio;
    const pg2 = -advantages[i] * Math.min(Math.max(ratio, 1 - cliprange), 1 + cliprange);
    kl += d * d * mask[i];
    if (pg2 > pg) clipped += mask[i];
    loss += Math.max(pg, pg2) * mask[i];
  }
  return { approxkl: (0.5 * kl) / n, clipfrac: clipped / n, loss: loss / n };
}

export interface ValueStats {
  loss: number;
  clipfrac: number;
}

export function valueStats(values: Values, oldValues: Values, returns: Values, mask: Values, cliprangeValue: number): ValueStats {
  const n = maskedCount(mask);
  ensure(n > 0 && values.length === mask.length && oldValues.length === mask.length && returns.length === mask.length, 'valueStats: arrays and mask must match and select tokens');
  let loss = 0;
  let clipped = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    const v = values[i];
    const vc = Math.min(Math.max(v, oldValues[i] - cliprangeValue), oldValues[i] + cliprangeValue);
    const l1 = (v - returns[i]) ** 2;
    const l2 = (vc - returns[i]) ** 2;
    loss += Math.max(l1, l2) * mask[i];
    if (l2 > l1) clipped += mask[i];
  }
  return { loss: (0.5 * loss) / n, clipfrac: clipped / n };
}

export interface OptimisationMetrics {
  'policy/approxkl_avg': number;
  'policy/clipfrac_avg': number;
  'loss/policy_avg': number;
  'loss/value_avg': number;
  'val/clipfrac_avg': number;
}

/** Averages minibatch stats over a batch's epochs (what TRL logs as the *_avg metrics). */
export class PpoStatsAverager {
  private readonly sums = { approxkl: 0, clipfrac: 0, policy: 0, value: 0, vclip: 0 };
  private policyCount = 0;
  private valueCount = 0;

  addPolicy(s: PolicyStats): void {
    this.sums.approxkl += s.approxkl;
    this.sums.clipfrac += s.clipfrac;
    this.sums.policy += s.loss;
    this.policyCount++;
  }

  addValue(s: ValueStats): void {
    this.sums.value += s.loss;
    this.sums.vclip += s.clipfrac;
    this.valueCount++;
  }

  /** The averages; value metrics are NaN when no value loss was added (RLOO has none). */
  metrics(): OptimisationMetrics {
    ensure(this.policyCount > 0, 'PpoStatsAverager: no minibatch was added');
    const p = this.policyCount;
    const v = this.valueCount;
    return {
      'policy/approxkl_avg': this.sums.approxkl / p,
      'policy/clipfrac_avg': this.sums.clipfrac / p,
      'loss/policy_avg': this.sums.policy / p,
      'loss/value_avg': v ? this.sums.value / v : NaN,
      'val/clipfrac_avg': v ? this.sums.vclip / v : NaN,
    };
  }
}
