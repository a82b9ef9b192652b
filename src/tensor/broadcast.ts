// Numpy broadcasting rules, shared by both backends and autograd: the result shape of two
// operands and the strides that read an operand over the result's shape (0 where broadcast).
import { ShapeError, shapeStr, stridesOf, type Shape } from './tensor';

export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides reading a contiguous tensor of `shape` over `outShape` (right-aligned; 0 = repeat). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => {
    const j = i - offset;
    if (j < 0 || shape[j] === 1) return 0;
    return own[j];
  });
}

/** Whether `shape` broadcasts to `target` (every dim equal or 1, right-aligned). */
export function broadcastsTo(shape: Shape, target: Shape): boolean {
  if (shape.length > target.length) return false;
  const offset = target.length - shape.length;
  return shape.every((d, j) => d === 1 || d === target[j + offset]);
}

/** Normalises a possibly negative axis against `rank`, naming the op on error. */
export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new ShapeError(`${op}: axis ${axis} out of range for rank ${rank}`);
  return a;
}
