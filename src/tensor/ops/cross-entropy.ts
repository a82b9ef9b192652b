// Per-row ops over logits [N, V] on either backend: cross-entropy against targets, and the
// log-probability of each target (what DPO and PPO need), with their backward. Kernels:
// ../kernels/cross-entropy.ts and ../kernels/logprobs.ts (the same shader).
import type { Backend } from '../backend';
import { crossEntropyBackwardCpu, crossEntropyCpu, encodeCrossEntropy, encodeCrossEntropyBackward } from '../kernels/cross-entropy';
import { encodeLogprobs, encodeLogprobsBackward, logprobsBackwardCpu, logprobsCpu } from '../kernels/logprobs';
import { expectDType } from '../plan';
import type { Tensor } from '../tensor';
import { planRows } from '../transformer-plan';
import { CpuBackend, webgpuOf } from './backends';

function f32(op: string, ...ts: Tensor[]): void {
  for (const t of ts) expectDType(op, t, 'f32');
}

/** Losses [N] and log-sum-exp [N]; rows whose target is `ignoreIndex` give 0. */
export function crossEntropy(be: Backend, logits: Tensor, targets: Tensor, ignoreIndex: number): { losses: Tensor; lse: Tensor } {
  if (be instanceof CpuBackend) {
    const s = { ...planRows('crossEntropy', logits, targets), ignoreIndex };
    const r = crossEntropyCpu(be.f32(logits, 'crossEntropy'), be.i32(targets, 'crossEntropy'), s);
    return { losses: be.wrap(r.losses, [s.n]), lse: be.wrap(r.lse, [s.n]) };
  }
  const gpu = webgpuOf(be, 'crossEntropy');
  f32('crossEntropy', logits);
  const s = { ...planRows('crossEntropy', logits, targets), ignoreIndex };
  const losses = gpu.empty([s.n], 'f32', 'crossEntropy');
  const lse = gpu.empty([s.n], 'f32', 'crossEntropy');
  encodeCrossEntropy(gpu.ctx, gpu.encoder(), gpu.buffer(logits), gpu.buffer(targets), gpu.buffer(losses), gpu.buffer(lse), s);
  return { losses, lse };
}

/** dL/dlogits given dL/dlosses [N]. */
export function crossEntropyBackward(be: Backend, logits: Tensor, targets: Tensor, lse: Tensor, dlosses: Tensor, ignoreIndex: number): Tensor {
  const op = 'crossEntropy backward';
  if (be instanceof CpuBackend) {
    const s = { ...planRows(op, logits, targets), ignoreIndex };
    return be.wrap(crossEntropyBackwardCpu(be.f32(logits, op), be.i32(targets, op), be.f32(lse, op), be.f32(dlosses, op), s), logits.shape);
  }
  const gpu = webgpuOf(be, op);
  f32(op, logits, lse, dlosses);
  const s = { ...planRows(op, logits, targets), ignoreIndex };
  const dlogits = gpu.empty(logits.shape, 'f32', op);
  const b = (t: Tensor) => gpu.buffer(t);
  encodeCrossEntropyBackward(gpu.ctx, gpu.encoder(), b(logits), b(targets), b(lse), b(dlosses), b(dlogits), s);
  return dlogits;
}

/** log p(target) per row of logits [N, V] for targets [N] (i32); returns logps [N] and lse [N]. */
export function gatherLogProbs(be: Backend, logits: Tensor, targets: Tensor): { logps: Tensor; lse: Tensor } {
  if (be instanceof CpuBackend) {
    const s = planRows('gatherLogProbs', logits, targets);
    const r = logprobsCpu(be.f32(logits, 'gatherLogProbs'), be.i32(targets, 'gatherLogProbs'), s);
    return { logps: be.wrap(r.logps, [s.n]), lse: be.wrap(r.lse, [s.n]) };
  }
  const gpu = webgpuOf(be, 'gatherLogProbs');
  f32('gatherLogProbs', logits);
  const s = planRows('gatherLogProbs', logits, targets);
  const logps = gpu.empty([s.n], 'f32', 'gatherLogProbs');
  const lse = gpu.empty([s.n], 'f32', 'gatherLogProbs');
  encodeLogprobs(gpu.ctx, gpu.encoder(), gpu.buffer(logits), gpu.buffer(targets), gpu.buffer(logps), gpu.buffer(lse), s);
  return { logps, lse };
}

export function gatherLogProbsBackward(be: Backend, logits: Tensor, targets: Tensor, lse: Tensor, dlogps: Tensor): Tensor {
  const op = 'gatherLogProbs backward';
  if (be instanceof CpuBackend) {
    const s = planRows(op, logits, targets);
    return be.wrap(logprobsBackwardCpu(be.f32(logits, op), be.i32(targets, op), be.f32(lse, op), be.f32(dlogps, op), s), logits.shape);
  }
  const gpu = webgpuOf(be, op);
  f32(op, logits, lse, dlogps);
  const s = planRows(op, logits, targets);
  const dlogits = gpu.empty(logits.shape, 'f32', op);
  const b = (t: Tensor) => gpu.buffer(t);
  encodeLogprobsBackward(gpu.ctx, gpu.encoder(), b(logits), b(targets), b(lse), b(dlogps), b(dlogits), s);
  return dlogits;
}
