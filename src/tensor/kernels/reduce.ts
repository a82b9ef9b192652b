// Reductions over any set of axes (sum, mean, max, sum of squares). The CPU reference accumulates
// in f64; the GPU kernel in f32 with a tree per output (error ~ log2(n) roundings, not n).
// Shader: shaders/reduce.wgsl, or shaders/reduce-subgroups.wgsl where the device runs `subgroups`.
import reduceSubgroupsWgsl from '../../../shaders/reduce-subgroups.wgsl?raw';
import reduceWgsl from '../../../shaders/reduce.wgsl?raw';
import type { GpuContext } from '../../gpu';
import type { ReduceOp } from '../backend';
import { normAxis } from '../broadcast';
import { ShapeError, shapeSize, shapeStr, stridesOf, type Shape } from '../tensor';
import { recordPass, uniformBuffer, useSubgroups, type KernelOptions } from './kernel-support';
import { MAX_RANK, padRank } from './strided-copy';

export type ReduceKernelOp = ReduceOp | 'sumsq';
const OP_CODES: Record<ReduceKernelOp, number> = { sum: 0, mean: 1, max: 2, sumsq: 3 };

/** The split of x's dims into kept (outer) and reduced (inner), each with x's strides. */
export interface ReducePlan {
  outShape: number[];
  outerShape: number[];
  outerStrides: number[];
  innerShape: number[];
  innerStrides: number[];
}

export function planReduce(op: string, shape: Shape, axes: readonly number[], keepDims: boolean): ReducePlan {
  const rank = shape.length;
  const set = new Set(axes.map((a) => normAxis(op, a, rank)));
  const strides = stridesOf(shape);
  const plan: ReducePlan = { outShape: [], outerShape: [], outerStrides: [], innerShape: [], innerStrides: [] };
  for (let i = 0; i < rank; i++) {
    if (set.has(i)) {
      plan.innerShape.push(shape[i]);
      plan.innerStrides.push(strides[i]);
      if (keepDims) plan.outShape.push(1);
    } else {
      plan.outerShape.push(shape[i]);
      plan.outerStrides.push(strides[i]);
      plan.outShape.push(shape[i]);
    }
  }
  if (plan.outerShape.length > MAX_RANK || plan.innerShape.length > MAX_RANK) {
    throw new ShapeError(`${op}: rank of ${shapeStr(shape)} exceeds ${MAX_RANK}`);
  }
  return plan;
}

/** CPU reference. An empty reduction gives 0 (sum, mean's 0/0 gives NaN as in numpy) or -Infinity (max). */
export function reduceCpu(op: ReduceKernelOp, x: Float32Array, shape: Shape, axes: readonly number[], keepDims: boolean): { out: Float32Array; shape: number[] } {
  const plan = planReduce(op, shape, axes, keepDims);
  const nOut = shapeSize(plan.outerShape);
  const nIn = shapeSize(plan.innerShape);
  const out = new Float32Array(nOut);
  const offsets = new Array<number>(nIn);
  {
    const coord = new Array<number>(plan.innerShape.length).fill(0);
    let off = 0;
    for (let e = 0; e < nIn; e++) {
      offsets[e] = off;
      for (let j = plan.innerShape.length - 1; j >= 0; j--) {
        coord[j]++;
        off += plan.innerStrides[j];
        if (coord[j] < plan.innerShape[j]) break;
        off -= plan.innerStrides[j] * plan.innerShape[j];
        coord[j] = 0;
      }
    }
  }
  const coord = new Array<number>(plan.outerShape.length).fill(0);
  let base = 0;
  for (let o = 0; o < nOut; o++) {
    let acc = op === 'max' ? -Infinity : 0;
    for (let e = 0; e < nIn; e++) {
      const v = x[base + offsets[e]];
      if (op === 'max') acc = v > acc || Number.isNaN(v) ? v : acc;
      else acc += op === 'sumsq' ? v * v : v;
    }
    out[o] = op === 'mean' ? acc / nIn : acc;
    for (let j = plan.outerShape.length - 1; j >= 0; j--) {
      coord[j]++;
      base += plan.outerStrides[j];
      if (coord[j] < plan.outerShape[j]) break;
      base -= plan.outerStrides[j] * plan.outerShape[j];
      coord[j] = 0;
    }
  }
  return { out, shape: plan.outShape };
}

/** Records the reduction of x (of `shape`) into out (shapeSize(plan.outerShape) floats). */
export function encodeReduce(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  out: GPUBuffer,
  p: { op: ReduceKernelOp; shape: Shape; axes: readonly number[] },
  options: KernelOptions = {},
): void {
  const plan = planReduce(p.op, p.shape, p.axes, false);
  const nOut = shapeSize(plan.outerShape);
  const nIn = shapeSize(plan.innerShape);
  if (nOut === 0) return;
  const maxPerDim = ctx.report.limits.maxComputeWorkgroupsPerDimension;
  const gx = Math.min(nOut, maxPerDim);
  const gy = Math.ceil(nOut / gx);
  // Short reductions waste fewer idle threads with a small workgroup.
  const wg = nIn <= 64 ? 64 : 256;
  const words = new Uint32Array([
    nOut,
    nIn,
    plan.outerShape.length,
    plan.innerShape.length,
    gx,
    0,
    0,
    0,
    ...padRank(plan.outerShape),
    ...padRank(plan.outerStrides),
    ...padRank(plan.innerShape),
    ...padRank(plan.innerStrides),
  ]);
  const params = uniformBuffer(ctx, 'reduce', words.buffer);
  // The subgroups variant (shaders/reduce-subgroups.wgsl) where the device runs it.
  const sub = useSubgroups(ctx, options);
  const code = options.shaderCode ?? (sub ? reduceSubgroupsWgsl : reduceWgsl);
  const pipeline = ctx.pipelines.get(sub ? 'reduce-subgroups' : 'reduce', code, { WG: wg, OP: OP_CODES[p.op] });
  recordPass(ctx, encoder, `reduce:${p.op}`, pipeline, [x, out, params], [gx, gy]);
}
