// Elementwise binary ops with numpy broadcasting, and the in-place axpy (acc += x * scale) used
// for gradient accumulation. CPU references define the results; shader: shaders/binary.wgsl.
import binaryWgsl from '../../../shaders/binary.wgsl?raw';
import type { GpuContext } from '../../gpu';
import type { BinaryOp } from '../backend';
import { broadcastShapes, broadcastStrides } from '../broadcast';
import { ShapeError, sameShape, shapeSize, shapeStr, type Shape } from '../tensor';
import { grid1d, recordPass, uniformBuffer, type KernelOptions } from './kernel-support';
import { MAX_RANK, padRank } from './strided-copy';

export const BINARY_WORKGROUP_SIZE = 256;
export const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };

export function binaryScalar(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case 'add':
      return x + y;
    case 'sub':
      return x - y;
    case 'mul':
      return x * y;
    case 'div':
      return x / y;
    case 'maximum':
      return Math.max(x, y);
    case 'minimum':
      return Math.min(x, y);
  }
}

/** CPU reference: one f64 op per element, rounded to f32 (exactly the f32 result for + - * /). */
export function binaryCpu(op: BinaryOp, a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape): { out: Float32Array; shape: number[] } {
  const shape = broadcastShapes(op, aShape, bShape);
  const n = shapeSize(shape);
  const out = new Float32Array(n);
  if (sameShape(aShape, bShape)) {
    // The cpu backend runs this too: the residual adds and the MLP's product get loops of their
    // own, the same arithmetic without the per-element switch (~1.5x).
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
    else for (let i = 0; i < n; i++) out[i] = binaryScalar(op, a[i], b[i]);
    return { out, shape };
  }
  const as = broadcastStrides(aShape, shape);
  const bs = broadcastStrides(bShape, shape);
  const rank = shape.length;
  const coord = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < n; i++) {
    out[i] = binaryScalar(op, a[ai], b[bi]);
    for (let j = rank - 1; j >= 0; j--) {
      coord[j]++;
      ai += as[j];
      bi += bs[j];
      if (coord[j] < shape[j]) break;
      ai -= as[j] * shape[j];
      bi -= bs[j] * shape[j];
      coord[j] = 0;
    }
  }
  return { out, shape };
}

/** CPU reference of axpy: acc[i] += x[i] * scale, in place, in f32 arithmetic. */
export function axpyCpu(acc: Float32Array, x: Float32Array, scale: number): void {
  if (acc.length !== x.length) throw new ShapeError(`axpy: acc has [${acc.length}] elements but x has [${x.length}]`);
  const s = Math.fround(scale);
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i] + Math.fround(x[i] * s);
}

function params(ctx: GpuContext, n: number, row: number, shape: Shape, same: boolean, scale: number, as: number[], bs: number[]): GPUBuffer {
  const buf = new ArrayBuffer(32 + 3 * 32);
  const u = new Uint32Array(buf);
  u.set([n, shape.length, row, same ? 1 : 0]);
  new Float32Array(buf)[4] = scale;
  u.set(padRank(shape), 8);
  u.set(padRank(as), 16);
  u.set(padRank(bs), 24);
  return uniformBuffer(ctx, 'binary', buf);
}

/** Records out = a (op) b; `out` holds broadcastShapes(aShape, bShape) elements. */
export function encodeBinary(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  a: GPUBuffer,
  b: GPUBuffer,
  out: GPUBuffer,
  p: { op: BinaryOp; aShape: Shape; bShape: Shape },
  options: KernelOptions = {},
): void {
  const shape = broadcastShapes(p.op, p.aShape, p.bShape);
  if (shape.length > MAX_RANK) throw new ShapeError(`${p.op}: rank of ${shapeStr(shape)} exceeds ${MAX_RANK}`);
  const n = shapeSize(shape);
  if (n === 0) return;
  const grid = grid1d(n, BINARY_WORKGROUP_SIZE, ctx.report.limits.maxComputeWorkgroupsPerDimension);
  const same = sameShape(p.aShape, p.bShape);
  const ub = params(ctx, n, grid.row, shape, same, 1, broadcastStrides(p.aShape, shape), broadcastStrides(p.bShape, shape));
  const pipeline = ctx.pipelines.get('binary', options.shaderCode ?? binaryWgsl, { WG: BINARY_WORKGROUP_SIZE, OP: BINARY_CODES[p.op] });
  recordPass(ctx, encoder, `binary:${p.op}`, pipeline, [a, b, out, ub], [grid.x, grid.y]);
}

/** Records acc += x * scale over n elements (in place). */
export function encodeAxpy(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  acc: GPUBuffer,
  p: { n: number; scale: number },
  options: KernelOptions = {},
): void {
  if (p.n === 0) return;
  const grid = grid1d(p.n, BINARY_WORKGROUP_SIZE, ctx.report.limits.maxComputeWorkgroupsPerDimension);
  const ub = params(ctx, p.n, grid.row, [p.n], true, p.scale, [1], [1]);
  const pipeline = ctx.pipelines.get('binary', options.shaderCode ?? binaryWgsl, { WG: BINARY_WORKGROUP_SIZE, OP: 0 }, 'axpy');
  recordPass(ctx, encoder, 'axpy', pipeline, { 0: x, 2: acc, 3: ub }, [grid.x, grid.y]);
}
