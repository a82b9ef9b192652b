// Softmax and log-softmax over the last axis, with their backward. The CPU reference works in f64
// and subtracts the row max (so logits of 1e4 are fine); shaders: shaders/softmax.wgsl, and
// shaders/softmax-subgroups.wgsl where the device runs the `subgroups` variant.
import softmaxSubgroupsWgsl from '../../../shaders/softmax-subgroups.wgsl?raw';
import softmaxWgsl from '../../../shaders/softmax.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { ShapeError } from '../tensor';
import { paramsBuffer, recordPass, useSubgroups, type KernelOptions } from './kernel-support';

export interface SoftmaxParams {
  rows: number;
  cols: number;
  log: boolean;
}

function checkRows(what: string, n: number, p: SoftmaxParams): void {
  if (n !== p.rows * p.cols) throw new ShapeError(`${what}: ${n} elements do not form [${p.rows}, ${p.cols}]`);
}

/** CPU reference: y = softmax(x) or log-softmax(x) per row. */
export function softmaxCpu(x: Float32Array, p: SoftmaxParams): Float32Array {
  checkRows(p.log ? 'logSoftmax' : 'softmax', x.length, p);
  const y = new Float32Array(x.length);
  for (let r = 0; r < p.rows; r++) {
    const base = r * p.cols;
    let m = -Infinity;
    for (let c = 0; c < p.cols; c++) m = Math.max(m, x[base + c]);
    let s = 0;
    for (let c = 0; c < p.cols; c++) s += Math.exp(x[base + c] - m);
    const lse = m + Math.log(s);
    for (let c = 0; c < p.cols; c++) y[base + c] = p.log ? x[base + c] - lse : Math.exp(x[base + c] - lse);
  }
  return y;
}

/** CPU reference of the backward, from the forward output y and dL/dy. */
export function softmaxBackwardCpu(y: Float32Array, dy: Float32Array, p: SoftmaxParams): Float32Array {
  checkRows('softmax backward', y.length, p);
  checkRows('softmax backward', dy.length, p);
  const dx = new Float32Array(y.length);
  for (let r = 0; r < p.rows; r++) {
    const base = r * p.cols;
    let s = 0;
    for (let c = 0; c < p.cols; c++) s += p.log ? dy[base + c] : dy[base + c] * y[base + c];
    for (let c = 0; c < p.cols; c++) {
      dx[base + c] = p.log ? dy[base + c] - Math.exp(y[base + c]) * s : y[base + c] * (dy[base + c] - s);
    }
  }
  return dx;
}

function groups(ctx: GpuContext, rows: number): [number, number] {
  const gx = Math.min(rows, ctx.report.limits.maxComputeWorkgroupsPerDimension);
  return [gx, Math.ceil(rows / gx)];
}

function params(ctx: GpuContext, p: SoftmaxParams, gx: number): GPUBuffer {
  return paramsBuffer(ctx, 'softmax', [['u32', p.rows], ['u32', p.cols], ['u32', gx], ['u32', 0]]);
}

function workgroupSize(cols: number): number {
  return cols <= 64 ? 64 : 256;
}

function pipelineFor(ctx: GpuContext, p: SoftmaxParams, options: KernelOptions, entryPoint: string): GPUComputePipeline {
  const sub = useSubgroups(ctx, options);
  const code = options.shaderCode ?? (sub ? softmaxSubgroupsWgsl : softmaxWgsl);
  return ctx.pipelines.get(sub ? 'softmax-subgroups' : 'softmax', code, { WG: workgroupSize(p.cols), LOG: p.log ? 1 : 0 }, entryPoint);
}

/** Records y = (log-)softmax(x) over rows of `cols`. */
export function encodeSoftmax(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  y: GPUBuffer,
  p: SoftmaxParams,
  options: KernelOptions = {},
): void {
  if (p.rows === 0 || p.cols === 0) return;
  const [gx, gy] = groups(ctx, p.rows);
  const pipeline = pipelineFor(ctx, p, options, 'main');
  recordPass(ctx, encoder, p.log ? 'log-softmax' : 'softmax', pipeline, [x, y, params(ctx, p, gx)], [gx, gy]);
}

/** Records dx from the forward output y and dy. */
export function encodeSoftmaxBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  y: GPUBuffer,
  dy: GPUBuffer,
  dx: GPUBuffer,
  p: SoftmaxParams,
  options: KernelOptions = {},
): void {
  if (p.rows === 0 || p.cols === 0) return;
  const [gx, gy] = groups(ctx, p.rows);
  const pipeline = pipelineFor(ctx, p, options, 'backward');
  recordPass(ctx, encoder, p.log ? 'log-softmax-backward' : 'softmax-backward', pipeline, [y, dx, params(ctx, p, gx), dy], [gx, gy]);
}
