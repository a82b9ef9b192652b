// Cross-entropy of logits rows against integer targets (ignore index, stable log-sum-exp), its
// backward, and the mean over non-ignored targets with its backward: CPU references and the
// WebGPU encoders of shaders/cross-entropy.wgsl. ./logprobs.ts shares the shader (mode 1).
import crossEntropyWgsl from '../../../shaders/cross-entropy.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { ShapeError } from '../tensor';
import { groupGrid, paramsBuffer, recordPass, requireBuffer, requireDims, requireLength, type KernelOptions } from './kernel-support';

export interface CrossEntropyShape {
  /** Rows (B*T). */
  n: number;
  /** Classes (vocab). */
  v: number;
  /** Targets equal to this give 0 and no gradient; default -100 (PyTorch's). */
  ignoreIndex?: number;
}

export const CROSS_ENTROPY_WORKGROUP_SIZE = 256;
export const DEFAULT_IGNORE_INDEX = -100;

/** 0: cross-entropy (lse - logit[t]); 1: log-prob (logit[t] - lse). */
export type RowMode = 0 | 1;

const OPS = ['cross-entropy', 'logprobs'] as const;

function ignoreOf(s: { ignoreIndex?: number }): number {
  return s.ignoreIndex ?? DEFAULT_IGNORE_INDEX;
}

function checkRows(op: string, s: CrossEntropyShape, logits: ArrayLike<number> | null, targets: Int32Array): void {
  requireDims(op, { n: s.n, v: s.v }, ['v']);
  if (logits) requireLength(op, 'logits', logits, s.n * s.v, `[N=${s.n}, V=${s.v}]`);
  requireLength(op, 'targets', targets, s.n, `[N=${s.n}] (logits are [N=${s.n}, V=${s.v}])`);
  const ignore = ignoreOf(s);
  for (let i = 0; i < s.n; i++) {
    const t = targets[i];
    if (t !== ignore && !(t >= 0 && t < s.v)) {
      throw new ShapeError(`${op}: target ${t} of row ${i} is outside [0, ${s.v}) and is not the ignore index ${ignore}`);
    }
  }
}

/** Per-row values (mode 0: loss, mode 1: log-prob; 0 for ignored rows) and lse, in f64. */
export function rowsCpu(mode: RowMode, logits: Float32Array, targets: Int32Array, s: CrossEntropyShape): { values: Float32Array; lse: Float32Array } {
  checkRows(OPS[mode], s, logits, targets);
  const values = new Float32Array(s.n);
  const lse = new Float32Array(s.n);
  for (let r = 0; r < s.n; r++) {
    const row = logits.subarray(r * s.v, (r + 1) * s.v);
    let m = -Infinity;
    for (const x of row) m = Math.max(m, x);
    let sum = 0;
    for (const x of row) sum += Math.exp(x - m);
    const l = m + Math.log(sum);
    lse[r] = l;
    const t = targets[r];
    if (t !== ignoreOf(s)) values[r] = mode === 0 ? l - row[t] : row[t] - l;
  }
  return { values, lse };
}

/** dlogits of rowsCpu given the upstream gradient of each row's value. */
export function rowsBackwardCpu(
  mode: RowMode,
  logits: Float32Array,
  targets: Int32Array,
  lse: Float32Array,
  dvalues: Float32Array,
  s: CrossEntropyShape,
): Float32Array {
  const op = `${OPS[mode]} backward`;
  checkRows(op, s, logits, targets);
  requireLength(op, 'lse', lse, s.n, `[N=${s.n}]`);
  requireLength(op, 'upstream gradient', dvalues, s.n, `[N=${s.n}]`);
  const d = new Float32Array(s.n * s.v);
  for (let r = 0; r < s.n; r++) {
    const t = targets[r];
    if (t === ignoreOf(s)) continue;
    const g = mode === 0 ? dvalues[r] : -dvalues[r];
    for (let i = 0; i < s.v; i++) d[r * s.v + i] = g * (Math.exp(logits[r * s.v + i] - lse[r]) - (i === t ? 1 : 0));
  }
  return d;
}

/** CPU reference: per-row losses [N] (0 where the target is ignored) and lse [N]. */
export function crossEntropyCpu(logits: Float32Array, targets: Int32Array, s: CrossEntropyShape): { losses: Float32Array; lse: Float32Array } {
  const { values, lse } = rowsCpu(0, logits, targets, s);
  return { losses: values, lse };
}

/** CPU reference of the backward: dlogits [N, V] from dlosses [N]. */
export function crossEntropyBackwardCpu(logits: Float32Array, targets: Int32Array, lse: Float32Array, dlosses: Float32Array, s: CrossEntropyShape): Float32Array {
  return rowsBackwardCpu(0, logits, targets, lse, dlosses, s);
}

/** Mean of losses over rows whose target is not ignored (NaN when every row is, as PyTorch). */
export function crossEntropyMeanCpu(losses: Float32Array, targets: Int32Array, s: Pick<CrossEntropyShape, 'n' | 'ignoreIndex'>): number {
  requireLength('cross-entropy mean', 'losses', losses, s.n, `[N=${s.n}]`);
  requireLength('cross-entropy mean', 'targets', targets, s.n, `[N=${s.n}]`);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < s.n; i++) {
    if (targets[i] === ignoreOf(s)) continue;
    sum += losses[i];
    count++;
  }
  return Math.fround(sum / count);
}

/** dlosses [N] of the mean: dmean / count on counted rows, 0 elsewhere. */
export function crossEntropyMeanBackwardCpu(targets: Int32Array, dmean: number, s: Pick<CrossEntropyShape, 'n' | 'ignoreIndex'>): Float32Array {
  requireLength('cross-entropy mean backward', 'targets', targets, s.n, `[N=${s.n}]`);
  let count = 0;
  for (const t of targets) if (t !== ignoreOf(s)) count++;
  return Float32Array.from(targets, (t) => (t === ignoreOf(s) ? 0 : dmean / Math.max(count, 1)));
}

function params(ctx: GpuContext, mode: RowMode, s: CrossEntropyShape, gx: number): GPUBuffer {
  return paramsBuffer(ctx, 'cross-entropy', [['u32', s.n], ['u32', s.v], ['i32', ignoreOf(s)], ['u32', mode], ['u32', gx], ['f32', NaN]]);
}

function pipeline(ctx: GpuContext, entry: string, options: KernelOptions): GPUComputePipeline {
  return ctx.pipelines.get('cross-entropy', options.shaderCode ?? crossEntropyWgsl, { WG: CROSS_ENTROPY_WORKGROUP_SIZE }, entry);
}

/** Records values [N] and lse [N] for logits [N, V] and targets [N] (mode 0 or 1). */
export function encodeRows(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  mode: RowMode,
  logits: GPUBuffer,
  targets: GPUBuffer,
  values: GPUBuffer,
  lse: GPUBuffer,
  s: CrossEntropyShape,
  options: KernelOptions = {},
): void {
  const op = OPS[mode];
  requireDims(op, { n: s.n, v: s.v }, ['v']);
  requireBuffer(op, 'logits', logits, s.n * s.v, `[N=${s.n}, V=${s.v}]`);
  requireBuffer(op, 'targets', targets, s.n, `[N=${s.n}]`);
  requireBuffer(op, mode === 0 ? 'losses' : 'logps', values, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'lse', lse, s.n, `[N=${s.n}]`);
  if (s.n === 0) return;
  const g = groupGrid(ctx, s.n);
  recordPass(ctx, encoder, op, pipeline(ctx, 'rows', options), [logits, targets, values, lse, params(ctx, mode, s, g.x)], [g.x, g.y]);
}

/** Records dlogits [N, V] (overwritten) from the upstream gradient dvalues [N] (mode 0 or 1). */
export function encodeRowsBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  mode: RowMode,
  logits: GPUBuffer,
  targets: GPUBuffer,
  lse: GPUBuffer,
  dvalues: GPUBuffer,
  dlogits: GPUBuffer,
  s: CrossEntropyShape,
  options: KernelOptions = {},
): void {
  const op = `${OPS[mode]} backward`;
  requireDims(op, { n: s.n, v: s.v }, ['v']);
  requireBuffer(op, 'logits', logits, s.n * s.v, `[N=${s.n}, V=${s.v}]`);
  requireBuffer(op, 'targets', targets, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'lse', lse, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'upstream gradient', dvalues, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'dlogits', dlogits, s.n * s.v, `[N=${s.n}, V=${s.v}]`);
  if (s.n === 0) return;
  const g = groupGrid(ctx, s.n);
  recordPass(ctx, encoder, op, pipeline(ctx, 'backward', options), { 0: logits, 1: targets, 5: lse, 6: dvalues, 7: dlogits, 8: params(ctx, mode, s, g.x) }, [
    g.x,
    g.y,
  ]);
}

/** Records losses [N] (0 on ignored rows; NaN for a target outside [0, V)) and lse [N]. */
export function encodeCrossEntropy(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  logits: GPUBuffer,
  targets: GPUBuffer,
  losses: GPUBuffer,
  lse: GPUBuffer,
  s: CrossEntropyShape,
  options: KernelOptions = {},
): void {
  encodeRows(ctx, encoder, 0, logits, targets, losses, lse, s, options);
}

/** Records dlogits [N, V] from dlosses [N]. */
export function encodeCrossEntropyBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  logits: GPUBuffer,
  targets: GPUBuffer,
  lse: GPUBuffer,
  dlosses: GPUBuffer,
  dlogits: GPUBuffer,
  s: CrossEntropyShape,
  options: KernelOptions = {},
): void {
  encodeRowsBackward(ctx, encoder, 0, logits, targets, lse, dlosses, dlogits, s, options);
}

/** Records mean [1] = mean of losses over rows whose target is not ignored (one workgroup). */
export function encodeCrossEntropyMean(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  losses: GPUBuffer,
  targets: GPUBuffer,
  mean: GPUBuffer,
  s: Pick<CrossEntropyShape, 'n' | 'ignoreIndex'>,
  options: KernelOptions = {},
): void {
  const op = 'cross-entropy mean';
  requireDims(op, { n: s.n });
  requireBuffer(op, 'losses', losses, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'targets', targets, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'mean', mean, 1, '[1]');
  const p = params(ctx, 0, { ...s, v: 1 }, 0);
  recordPass(ctx, encoder, op, pipeline(ctx, 'mean', options), { 1: targets, 9: losses, 10: mean, 11: p }, [1]);
}

/** Records dlosses [N] = dmean[0] / count on counted rows, 0 on ignored ones (one workgroup). */
export function encodeCrossEntropyMeanBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  targets: GPUBuffer,
  dmean: GPUBuffer,
  dlosses: GPUBuffer,
  s: Pick<CrossEntropyShape, 'n' | 'ignoreIndex'>,
  options: KernelOptions = {},
): void {
  const op = 'cross-entropy mean backward';
  requireDims(op, { n: s.n });
  requireBuffer(op, 'targets', targets, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'dmean', dmean, 1, '[1]');
  requireBuffer(op, 'dlosses', dlosses, s.n, `[N=${s.n}]`);
  if (s.n === 0) return;
  const p = params(ctx, 0, { ...s, v: 1 }, 0);
  recordPass(ctx, encoder, op, pipeline(ctx, 'mean_backward', options), { 1: targets, 12: dmean, 13: dlosses, 14: p }, [1]);
}
