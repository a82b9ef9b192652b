// strided copy: the one layout kernel (copy, permute, broadcast, slice, concat, dtype casts). The
// CPU reference defines it; shader: shaders/strided-copy.wgsl.
import stridedWgsl from '../../../shaders/strided-copy.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { ShapeError, shapeSize, shapeStr, type Shape, type TensorData } from '../tensor';
import { grid1d, recordPass, uniformBuffer, type KernelOptions } from './kernel-support';

export const MAX_RANK = 8;
export const STRIDED_WORKGROUP_SIZE = 256;

export type CopyOp = 'copy' | 'f32->i32' | 'i32->f32';
const OP_CODES: Record<CopyOp, number> = { copy: 0, 'f32->i32': 1, 'i32->f32': 2 };

export interface StridedCopyParams {
  /** Iteration shape. */
  shape: Shape;
  inStrides: readonly number[];
  inOffset?: number;
  outStrides: readonly number[];
  outOffset?: number;
  op?: CopyOp;
}

function check(p: StridedCopyParams): void {
  if (p.shape.length > MAX_RANK) throw new ShapeError(`strided copy: rank of ${shapeStr(p.shape)} exceeds ${MAX_RANK}`);
  if (p.inStrides.length !== p.shape.length || p.outStrides.length !== p.shape.length) {
    throw new ShapeError(`strided copy: strides [${p.inStrides}] / [${p.outStrides}] do not match shape ${shapeStr(p.shape)}`);
  }
}

/** CPU reference: writes into `dst` (a Float32Array or Int32Array; casts convert the value). */
export function stridedCopyCpu(src: TensorData, dst: TensorData, p: StridedCopyParams): void {
  check(p);
  const n = shapeSize(p.shape);
  const rank = p.shape.length;
  const coord = new Array<number>(rank).fill(0);
  let si = p.inOffset ?? 0;
  let di = p.outOffset ?? 0;
  const trunc = p.op === 'f32->i32';
  for (let i = 0; i < n; i++) {
    dst[di] = trunc ? Math.trunc(src[si]) : src[si];
    // Odometer increment, keeping both offsets incremental.
    for (let j = rank - 1; j >= 0; j--) {
      coord[j]++;
      si += p.inStrides[j];
      di += p.outStrides[j];
      if (coord[j] < p.shape[j]) break;
      si -= p.inStrides[j] * p.shape[j];
      di -= p.outStrides[j] * p.shape[j];
      coord[j] = 0;
    }
  }
}

/** `v` zero-padded to MAX_RANK entries (the fixed-size arrays of the kernels' uniforms). */
export function padRank(v: readonly number[]): number[] {
  return [...v, ...new Array<number>(MAX_RANK - v.length).fill(0)];
}

/** Records the strided copy (src and dst are word buffers of any 4-byte dtype). */
export function encodeStridedCopy(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  src: GPUBuffer,
  dst: GPUBuffer,
  p: StridedCopyParams,
  options: KernelOptions = {},
): void {
  check(p);
  const n = shapeSize(p.shape);
  if (n === 0) return;
  const grid = grid1d(n, STRIDED_WORKGROUP_SIZE, ctx.report.limits.maxComputeWorkgroupsPerDimension);
  const words = new Uint32Array([
    n,
    p.shape.length,
    grid.row,
    p.inOffset ?? 0,
    p.outOffset ?? 0,
    0,
    0,
    0,
    ...padRank(p.shape),
    ...padRank(p.inStrides),
    ...padRank(p.outStrides),
  ]);
  const params = uniformBuffer(ctx, 'strided-copy', words.buffer);
  const pipeline = ctx.pipelines.get('strided-copy', options.shaderCode ?? stridedWgsl, { WG: STRIDED_WORKGROUP_SIZE, OP: OP_CODES[p.op ?? 'copy'] });
  recordPass(ctx, encoder, `strided-copy:${p.op ?? 'copy'}`, pipeline, [src, dst, params], [grid.x, grid.y]);
}
