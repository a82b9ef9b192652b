// Per-token log-probabilities, log_softmax(logits)[target] per row — what DPO and PPO need for the
// policy and reference models — and the backward: CPU references and WebGPU encoders. The kernel
// is shaders/cross-entropy.wgsl in log-prob mode (the row value is -cross-entropy).
import type { GpuContext } from '../../gpu';
import { encodeRows, encodeRowsBackward, rowsBackwardCpu, rowsCpu, type CrossEntropyShape } from './cross-entropy';
import type { KernelOptions } from './kernel-support';

/** Rows n, classes v; targets equal to ignoreIndex (default -100) give logp 0 and no gradient. */
export type LogprobsShape = CrossEntropyShape;

/** CPU reference: logps [N] = logits[n, t] - lse_n, and lse [N]. */
export function logprobsCpu(logits: Float32Array, targets: Int32Array, s: LogprobsShape): { logps: Float32Array; lse: Float32Array } {
  const { values, lse } = rowsCpu(1, logits, targets, s);
  return { logps: values, lse };
}

/** CPU reference of the backward: dlogits [N, V] = dlogps[n] * ([v == t] - softmax_v). */
export function logprobsBackwardCpu(logits: Float32Array, targets: Int32Array, lse: Float32Array, dlogps: Float32Array, s: LogprobsShape): Float32Array {
  return rowsBackwardCpu(1, logits, targets, lse, dlogps, s);
}

/** Records logps [N] and lse [N] for logits [N, V] and targets [N] (i32). */
export function encodeLogprobs(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  logits: GPUBuffer,
  targets: GPUBuffer,
  logps: GPUBuffer,
  lse: GPUBuffer,
  s: LogprobsShape,
  options: KernelOptions = {},
): void {
  encodeRows(ctx, encoder, 1, logits, targets, logps, lse, s, options);
}

/** Records dlogits [N, V] (overwritten) from dlogps [N]. */
export function encodeLogprobsBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  logits: GPUBuffer,
  targets: GPUBuffer,
  lse: GPUBuffer,
  dlogps: GPUBuffer,
  dlogits: GPUBuffer,
  s: LogprobsShape,
  options: KernelOptions = {},
): void {
  encodeRowsBackward(ctx, encoder, 1, logits, targets, lse, dlogps, dlogits, s, options);
}
