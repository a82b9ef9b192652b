// PPO's clipped surrogate losses on the tape (TRL's PPOTrainer; RLOO's loss is the policy one on
// sequence-level log-probs). Rollout quantities (old log-probs, advantages, old values, returns,
// the mask) are host constants; only the current log-probs and values carry gradients.
//   ratio      = exp((logp - old_logp)·mask)        (1 off the mask, so padding cannot overflow)
//   pg_loss    = masked_mean(max(-A·ratio, -A·clamp(ratio, 1 - ε, 1 + ε)))
//   vclipped   = clamp(V, V_old - ε_v, V_old + ε_v)
//   vf_loss    = ½·masked_mean(max((V - R)², (vclipped - R)²))
//   loss       = pg_loss + vf_coef·vf_loss
// Any shape works (N elements with an N-element mask): [B, T] tokens for PPO, [N] sequences for RLOO.
import { add, detach, exp, mul, scale, square, sub, sum } from '../../autograd';
import type { Backend, Tensor } from '../../tensor';
import { clampScalar, clampTensor, maximum } from './clip';
import { ensure } from './errors';
import { maskedCount, type Values } from './masked';

export interface ClippedPolicyInputs {
  /** log p of each token (or sequence) under the policy being trained: on the tape. */
  logps: Tensor;
  /** The same log-probs at rollout time. */
  oldLogps: Values;
  /** Whitened advantages (0 off the mask). */
  advantages: Values;
  mask: Values;
}

export interface ClippedValueInputs {
  /** The value head's predictions: on the tape. */
  values: Tensor;
  /** Predictions at rollout time. */
  oldValues: Values;
  /** GAE returns (the targets). */
  returns: Values;
  mask: Values;
}

export interface PolicyLossResult {
  loss: Tensor;
  /** (logp - old_logp)·mask, detached: what policyStats reads (approx KL, clip fraction). */
  logRatio: Tensor;
}

export interface ValueLossResult {
  loss: Tensor;
  /** The predictions, detached: what valueStats reads. */
  values: Tensor;
}

function host(be: Backend, what: string, x: Values, like: Tensor): Tensor {
  ensure(x.length === like.size, `${what} has ${x.length} values for ${like.size} positions`);
  return be.fromData(Float32Array.from(x), like.shape);
}

function maskedMeanOnTape(x: Tensor, mask: Tensor, count: number): Tensor {
  return scale(sum(mul(x, mask)), 1 / count);
}

function checkedCount(what: string, mask: Values): number {
  const n = maskedCount(mask);
  ensure(n > 0, `${what}: the mask selects no tokens`);
  return n;
}

export function clippedPolicyLoss(x: ClippedPolicyInputs, o: { cliprange: number }): PolicyLossResult {
  ensure(o.cliprange > 0 && o.cliprange < 1, `clippedPolicyLoss: cliprange must be in (0, 1), got ${o.cliprange}`);
  const be = x.logps.backend;
  const count = checkedCount('clippedPolicyLoss', x.mask);
  const mask = host(be, 'clippedPolicyLoss: mask', x.mask, x.logps);
  const old = host(be, 'clippedPolicyLoss: oldLogps', x.oldLogps, x.logps);
  const negAdv = host(be, 'clippedPolicyLoss: advantages', Float32Array.from(x.advantages, (a) => -a), x.logps);
  const logRatio = mul(sub(x.logps, old), mask);
  const ratio = exp(logRatio);
  const pg = mul(ratio, negAdv);
  const pgClipped = mul(clampScalar(ratio, 1 - o.cliprange, 1 + o.cliprange), negAdv);
  const loss = maskedMeanOnTape(maximum(pg, pgClipped), mask, count);
  return { loss, logRatio: detach(logRatio) };
}

export function clippedValueLoss(x: ClippedValueInputs, o: { cliprangeValue: number }): ValueLossResult {
  ensure(o.cliprangeValue > 0, `clippedValueLoss: cliprangeValue must be > 0, got ${o.cliprangeValue}`);
  const be = x.values.backend;
  const count = checkedCount('clippedValueLoss', x.mask);
  const mask = host(be, 'clippedValueLoss: mask', x.mask, x.values);
  const lo = host(be, 'clippedValueLoss: oldValues', Float32Array.from(x.oldValues, (v) => v - o.cliprangeValue), x.values);
  const hi = host(be, 'clippedValueLoss: oldValues', Float32Array.from(x.oldValues, (v) => v + o.cliprangeValue), x.values);
  const returns = host(be, 'clippedValueLoss: returns', x.returns, x.values);
  const vf = square(sub(x.values, returns));
  const vfClipped = square(sub(clampTensor(x.values, lo, hi), returns));
  const loss = scale(maskedMeanOnTape(maximum(vf, vfClipped), mask, count), 0.5);
  return { loss, values: detach(x.values) };
}

export interface PpoLossOptions {
  /** ε of the policy ratio (TRL's cliprange, default 0.2). */
  cliprange: number;
  /** ε_v of the value prediction (TRL's cliprange_value, default 0.2). */
  cliprangeValue: number;
  /** Weight of the value loss (TRL's vf_coef, default 0.1). */
  vfCoef: number;
}

/** TRL's PPO minibatch loss: pg_loss + vf_coef·vf_loss, with both parts kept for logging. */
export function ppoLoss(policy: ClippedPolicyInputs, value: ClippedValueInputs, o: PpoLossOptions): { loss: Tensor; policy: PolicyLossResult; value: ValueLossResult } {
  ensure(o.vfCoef >= 0, `ppoLoss: vfCoef must be >= 0, got ${o.vfCoef}`);
  const p = clippedPolicyLoss(policy, o);
  const v = clippedValueLoss(value, o);
  return { loss: add(p.loss, scale(v.loss, o.vfCoef)), policy: p, value: v };
}
