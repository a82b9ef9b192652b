// Global gradient norm for clipping: the sum of squares over several tensors, reduced in a fixed
// order (deterministic, no atomics), and the clip coefficient of PyTorch's clip_grad_norm_.
// CPU references and the WebGPU encoders of shaders/global-norm.wgsl.
import globalNormWgsl from '../../../shaders/global-norm.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { ShapeError } from '../tensor';
import { paramsBuffer, requireBuffer, type KernelOptions } from './kernel-support';

export const GLOBAL_NORM_WORKGROUP_SIZE = 256;
/** Workgroups (partial sums) per tensor at most. */
export const GLOBAL_NORM_GROUPS = 64;

/** A tensor's buffer and its element count. */
export interface BufferSpan {
  buffer: GPUBuffer;
  n: number;
}

/** CPU reference: sum of x^2 over every element of every array (f64, rounded to f32). */
export function sumOfSquaresCpu(xs: readonly Float32Array[]): number {
  let s = 0;
  for (const x of xs) for (const v of x) s += v * v;
  return Math.fround(s);
}

/** CPU reference: min(1, maxNorm / (sqrt(sumsq) + 1e-6)), the factor clip_grad_norm_ applies. */
export function clipScaleCpu(sumsq: number, maxNorm: number): number {
  return Math.fround(Math.min(1, maxNorm / (Math.sqrt(sumsq) + 1e-6)));
}

function groupsFor(n: number): number {
  return Math.max(1, Math.min(GLOBAL_NORM_GROUPS, Math.ceil(n / GLOBAL_NORM_WORKGROUP_SIZE)));
}

/** Floats of the scratch buffer encodeSumOfSquares needs for these tensors. */
export function sumOfSquaresScratch(xs: readonly { n: number }[]): number {
  return Math.max(1, xs.reduce((s, x) => s + groupsFor(x.n), 0));
}

/**
 * Records sumsq[0] = sum of squares of every element of `xs` (one compute pass: a partial-sums
 * dispatch per tensor into `scratch`, then one workgroup adds the partials in order).
 */
export function encodeSumOfSquares(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  xs: readonly BufferSpan[],
  scratch: GPUBuffer,
  sumsq: GPUBuffer,
  options: KernelOptions = {},
): void {
  const op = 'sum of squares';
  xs.forEach((x, i) => {
    if (!Number.isInteger(x.n) || x.n < 0) throw new ShapeError(`${op}: tensor ${i} has an invalid element count ${x.n}`);
    requireBuffer(op, `tensor ${i}`, x.buffer, x.n, `[${x.n}]`);
  });
  const slots = sumOfSquaresScratch(xs);
  requireBuffer(op, 'scratch', scratch, slots, `[${slots}] (${xs.length} tensors)`);
  requireBuffer(op, 'sumsq', sumsq, 1, '[1]');
  const code = options.shaderCode ?? globalNormWgsl;
  const overrides = { WG: GLOBAL_NORM_WORKGROUP_SIZE };
  const partials = ctx.pipelines.get('global-norm', code, overrides, 'partial_sums');
  const finish = ctx.pipelines.get('global-norm', code, overrides, 'finish');
  const pass = encoder.beginComputePass({ label: op });
  let offset = 0;
  pass.setPipeline(partials);
  for (const x of xs) {
    const groups = groupsFor(x.n);
    const params = paramsBuffer(ctx, 'global-norm', [['u32', x.n], ['u32', groups], ['u32', offset]]);
    const entries = [x.buffer, scratch, params].map((buffer, binding) => ({ binding, resource: { buffer } }));
    pass.setBindGroup(0, ctx.device.createBindGroup({ label: `${op} partials`, layout: partials.getBindGroupLayout(0), entries }));
    pass.dispatchWorkgroups(groups);
    offset += groups;
  }
  // With no tensors (or only empty ones writing zeros), `finish` sums what the partials wrote.
  const params = paramsBuffer(ctx, 'global-norm', [['u32', offset], ['u32', 0], ['u32', 0]]);
  const entries = [
    { binding: 3, resource: { buffer: scratch } },
    { binding: 4, resource: { buffer: sumsq } },
    { binding: 5, resource: { buffer: params } },
  ];
  pass.setPipeline(finish);
  pass.setBindGroup(0, ctx.device.createBindGroup({ label: `${op} finish`, layout: finish.getBindGroupLayout(0), entries }));
  pass.dispatchWorkgroups(1);
  pass.end();
}

/** Records scale[0] = min(1, maxNorm / (sqrt(sumsq[0]) + 1e-6)), for encodeAdamW's gradScale. */
export function encodeClipScale(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  sumsq: GPUBuffer,
  scale: GPUBuffer,
  maxNorm: number,
  options: KernelOptions = {},
): void {
  if (!(maxNorm > 0)) throw new ShapeError(`clip scale: maxNorm must be positive, got ${maxNorm}`);
  requireBuffer('clip scale', 'sumsq', sumsq, 1, '[1]');
  requireBuffer('clip scale', 'scale', scale, 1, '[1]');
  const pipeline = ctx.pipelines.get('global-norm', options.shaderCode ?? globalNormWgsl, { WG: GLOBAL_NORM_WORKGROUP_SIZE }, 'clip');
  const params = paramsBuffer(ctx, 'global-norm clip', [['f32', maxNorm]]);
  const entries = [
    { binding: 6, resource: { buffer: sumsq } },
    { binding: 7, resource: { buffer: scale } },
    { binding: 8, resource: { buffer: params } },
  ];
  const pass = encoder.beginComputePass({ label: 'clip scale' });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, ctx.device.createBindGroup({ label: 'clip scale', layout: pipeline.getBindGroupLayout(0), entries }));
  pass.dispatchWorkgroups(1);
  pass.end();
}
