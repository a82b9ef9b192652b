// Shape checking and planning shared by both backends, so the cpu and webgpu backends accept and
// reject exactly the same calls and name the op and every shape when they reject one.
import type { MatmulOptions } from './backend';
import { broadcastShapes, broadcastStrides, broadcastsTo, normAxis } from './broadcast';
import type { MatmulShape } from './kernels/matmul-shape';
import type { StridedCopyParams } from './kernels/strided-copy';
import { ShapeError, sameShape, shapeSize, shapeStr, stridesOf, type DType, type Shape, type Tensor } from './tensor';

export function expectDType(op: string, t: Tensor, dtype: DType): void {
  if (t.dtype !== dtype) throw new ShapeError(`${op}: expected a ${dtype} tensor, got ${t.dtype} ${shapeStr(t.shape)}`);
}

export function expectSameShape(op: string, a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) throw new ShapeError(`${op}: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} differ`);
}

export function expectSameBackend(op: string, ...ts: Tensor[]): void {
  for (const t of ts) {
    t.assertLive(op);
    if (t.backend !== ts[0].backend) throw new ShapeError(`${op}: tensors live on different backends (${ts[0].backend.name}, ${t.backend.name})`);
  }
}

export interface MatmulPlan {
  shape: MatmulShape;
  outShape: number[];
}

/** a [..., m, k] (or [..., k, m]) times b [..., k, n] (or [..., n, k]) or a shared 2-D b. */
export function planMatmul(a: Shape, b: Shape, options: MatmulOptions = {}): MatmulPlan {
  const fail = (why: string) =>
    new ShapeError(
      `matmul: cannot multiply ${shapeStr(a)}${options.transA ? '^T' : ''} by ${shapeStr(b)}${options.transB ? '^T' : ''}: ${why}`,
    );
  if (a.length < 2 || b.length < 2) throw fail('both operands need at least 2 dimensions');
  const batchDims = a.slice(0, -2);
  const m = options.transA ? a[a.length - 1] : a[a.length - 2];
  const ka = options.transA ? a[a.length - 2] : a[a.length - 1];
  const kb = options.transB ? b[b.length - 1] : b[b.length - 2];
  const n = options.transB ? b[b.length - 2] : b[b.length - 1];
  if (ka !== kb) throw fail(`inner dimensions ${ka} and ${kb} differ`);
  const broadcastB = b.length === 2;
  if (!broadcastB && !sameShape(b.slice(0, -2), batchDims)) throw fail('batch dimensions differ');
  return {
    shape: { batch: shapeSize(batchDims), m, n, k: ka, transA: !!options.transA, transB: !!options.transB, broadcastB },
    outShape: [...batchDims, m, n],
  };
}

/** Strided-copy params of a permutation, and the permuted shape. */
export function planPermute(shape: Shape, perm: readonly number[]): { outShape: number[]; copy: StridedCopyParams } {
  const rank = shape.length;
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= rank)) {
    throw new ShapeError(`permute: [${perm.join(', ')}] is not a permutation of the axes of ${shapeStr(shape)}`);
  }
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  return { outShape, copy: { shape: outShape, inStrides: perm.map((p) => inStrides[p]), outStrides: stridesOf(outShape) } };
}

export function planSlice(shape: Shape, axis: number, start: number, end: number): { outShape: number[]; copy: StridedCopyParams } {
  const ax = normAxis('slice', axis, shape.length);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > shape[ax] || start > end) {
    throw new ShapeError(`slice: [${start}, ${end}) is out of range for axis ${axis} of ${shapeStr(shape)}`);
  }
  const outShape = [...shape];
  outShape[ax] = end - start;
  const inStrides = stridesOf(shape);
  return { outShape, copy: { shape: outShape, inStrides, inOffset: start * inStrides[ax], outStrides: stridesOf(outShape) } };
}

/** One strided copy per part, writing each into its place in the output. */
export function planConcat(shapes: readonly Shape[], axis: number): { outShape: number[]; copies: StridedCopyParams[] } {
  if (shapes.length === 0) throw new ShapeError('concat: no tensors');
  const ax = normAxis('concat', axis, shapes[0].length);
  for (const s of shapes) {
    if (s.length !== shapes[0].length || s.some((d, i) => i !== ax && d !== shapes[0][i])) {
      throw new ShapeError(`concat: shapes ${shapes.map(shapeStr).join(', ')} do not match outside axis ${axis}`);
    }
  }
  const outShape = [...shapes[0]];
  outShape[ax] = shapes.reduce((s, sh) => s + sh[ax], 0);
  const outStrides = stridesOf(outShape);
  let offset = 0;
  const copies = shapes.map((s) => {
    const copy = { shape: s, inStrides: stridesOf(s), outStrides, outOffset: offset * outStrides[ax] };
    offset += s[ax];
    return copy;
  });
  return { outShape, copies };
}

export function planBroadcastTo(shape: Shape, target: Shape): StridedCopyParams {
  if (!broadcastsTo(shape, target)) throw new ShapeError(`broadcastTo: ${shapeStr(shape)} does not broadcast to ${shapeStr(target)}`);
  return { shape: target, inStrides: broadcastStrides(shape, target), outStrides: stridesOf(target) };
}

/** The axes to sum so that `shape` reduces to `target` (the adjoint of broadcasting). */
export function planSumTo(shape: Shape, target: Shape): { axes: number[] } {
  if (!broadcastsTo(target, shape)) throw new ShapeError(`sumTo: ${shapeStr(shape)} cannot be summed to ${shapeStr(target)}`);
  const offset = shape.length - target.length;
  const axes: number[] = [];
  for (let i = 0; i < shape.length; i++) if (i < offset || (target[i - offset] === 1 && shape[i] !== 1)) axes.push(i);
  return { axes };
}

export { broadcastShapes };

/** The output shape of reducing `shape` over `axes`. */
export function planReduceShape(op: string, shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const set = new Set(axes.map((a) => normAxis(op, a, shape.length)));
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}
