// The Tensor value: a shape, a dtype and a handle on backend storage (a Float32Array on the cpu
// backend, a pooled GPUBuffer on webgpu). Tensors are contiguous and row-major; views (reshape)
// share storage through a reference count. GPU memory is not garbage collected, so tensors are
// released explicitly (`dispose`) or by the scope they were created in (`tidy`, ./scope.ts).
// Autograd keeps its bookkeeping in the three slots at the bottom; this layer never reads them.
import type { Backend } from './backend';
import { currentScopeTrack } from './scope';

export type DType = 'f32' | 'i32';
export type Shape = readonly number[];
export type TensorData = Float32Array | Int32Array;

/** A shape or argument that does not fit the op; the message names the op and every shape. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** A tensor used after `dispose()` (or after the scope that owned it ended). */
export class DisposedTensorError extends Error {
  override name = 'DisposedTensorError';
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Row-major strides of a contiguous tensor of `shape`. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function checkShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${op}: invalid shape ${shapeStr(shape)}`);
  }
}

/** Backend-owned storage shared by a tensor and its views; freed when the last one is disposed. */
export interface Storage {
  refs: number;
  /** Elements (4 bytes each) the storage holds. */
  readonly length: number;
}

let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  private disposedFlag = false;

  // Autograd slots (see src/autograd). A parameter sets requiresGrad; `grad` is filled by backward.
  requiresGrad = false;
  grad: Tensor | null = null;
  /** The tape entry that produced this tensor, or null for leaves. Opaque to this layer. */
  gradNode: unknown = null;
  /** A name for error messages and checkpoints (e.g. a parameter path). */
  name = '';

  constructor(
    readonly backend: Backend,
    readonly storage: Storage,
    readonly shape: Shape,
    readonly dtype: DType = 'f32',
  ) {
    this.size = shapeSize(shape);
    if (this.size > storage.length) {
      throw new ShapeError(`tensor: shape ${shapeStr(shape)} needs ${this.size} elements, storage has ${storage.length}`);
    }
    currentScopeTrack(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Throws DisposedTensorError if this tensor was released; `op` names the caller. */
  assertLive(op: string): void {
    if (this.disposedFlag) {
      throw new DisposedTensorError(`${op}: tensor #${this.id}${this.name ? ` (${this.name})` : ''} ${shapeStr(this.shape)} was disposed`);
    }
  }

  /** Reads the values back (a GPU readback on webgpu: not for use inside a training step). */
  data(): Promise<TensorData> {
    this.assertLive('data');
    return this.backend.read(this);
  }

  async toArray(): Promise<number[]> {
    return Array.from(await this.data());
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new ShapeError(`item: tensor has shape ${shapeStr(this.shape)}, expected one element`);
    return (await this.data())[0];
  }

  /** A view with another shape of the same size; shares storage. */
  reshape(shape: Shape): Tensor {
    this.assertLive('reshape');
    const resolved = resolveShape(shape, this.size, this.shape);
    this.storage.refs++;
    return new Tensor(this.backend, this.storage, resolved, this.dtype);
  }

  /** Releases this tensor's hold on its storage (idempotent). */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    if (--this.storage.refs === 0) this.backend.release(this.storage);
  }

  toString(): string {
    return `Tensor#${this.id}${this.name ? `(${this.name})` : ''}${shapeStr(this.shape)}:${this.dtype}@${this.backend.name}`;
  }
}

/** Resolves one -1 in `shape` against `size` and checks the element count. */
export function resolveShape(shape: Shape, size: number, from: Shape): number[] {
  const out = [...shape];
  const free = out.indexOf(-1);
  if (free >= 0) {
    const rest = shapeSize(out.filter((_, i) => i !== free));
    if (rest === 0 || size % rest !== 0) throw new ShapeError(`reshape: cannot reshape ${shapeStr(from)} to ${shapeStr(shape)}`);
    out[free] = size / rest;
  }
  checkShape('reshape', out);
  if (shapeSize(out) !== size) throw new ShapeError(`reshape: cannot reshape ${shapeStr(from)} to ${shapeStr(shape)}`);
  return out;
}
