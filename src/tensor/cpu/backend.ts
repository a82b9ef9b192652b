// The cpu backend: plain TypeScript over Float32Array/Int32Array storage. Elementwise, layout and
// reduction ops call the kernels' CPU references (src/tensor/kernels/*), so the two backends share
// one definition of every result; matmul uses the fast path (./matmul-fast.ts; call
// `await initCpuBackend()` once before the first matmul; its `threads` option sets how many threads
// large products run on, ./thread-pool.ts). The transformer and optimizer ops run on
// this backend's arrays (view, f32, i32, wrap) from ../ops/.
import type { Backend, BinaryOp, MatmulOptions, ReduceOp, UnaryOp } from '../backend';
import { axpyCpu, binaryCpu } from '../kernels/binary';
import { sumOfSquaresCpu } from '../kernels/global-norm';
import { reduceCpu } from '../kernels/reduce';
import { softmaxBackwardCpu, softmaxCpu } from '../kernels/softmax';
import { stridedCopyCpu, type StridedCopyParams } from '../kernels/strided-copy';
import { affineCpu, unaryBackwardCpu, unaryCpu } from '../kernels/unary';
import {
  broadcastShapes,
  expectDType,
  expectSameBackend,
  expectSameShape,
  planBroadcastTo,
  planConcat,
  planMatmul,
  planPermute,
  planSlice,
  planSumTo,
} from '../plan';
import { checkShape, ShapeError, shapeSize, shapeStr, Tensor, type DType, type Shape, type Storage, type TensorData } from '../tensor';
import { initFastMatmul, matmulFast } from './matmul-fast';
import { forgetPacked } from './packed-operands';
import { cpuThreadInfo, setCpuThreads, startCpuThreads, type CpuThreadInfo } from './thread-pool';

export class CpuStorage implements Storage {
  refs = 1;
  constructor(readonly data: TensorData) {}
  get length(): number {
    return this.data.length;
  }
}

export interface CpuBackendOptions {
  /** Threads for large products: a count, or 'auto' (every available core; the default). The
   * setting is process-wide (one pool of threads serves every cpu backend). */
  threads?: number | 'auto';
}

/** Prepares the fast matmul (WebAssembly where available) and its threads. Safe to call twice. */
export async function initCpuBackend(options: CpuBackendOptions = {}): Promise<CpuBackend> {
  await initFastMatmul();
  if (options.threads !== undefined) setCpuThreads(options.threads);
  await startCpuThreads();
  return new CpuBackend();
}

export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  private live = 0;
  private bytes = 0;

  // --- memory -------------------------------------------------------------------------------
  /** The storage array of t (the cpu backend's own accessor; the view is shared, not copied). */
  view(t: Tensor): TensorData {
    t.assertLive('cpu view');
    if (t.backend !== this) throw new ShapeError(`cpu backend: ${t} belongs to another backend`);
    return (t.storage as CpuStorage).data.subarray(0, t.size);
  }

  f32(t: Tensor, op: string): Float32Array {
    expectDType(op, t, 'f32');
    return this.view(t) as Float32Array;
  }

  i32(t: Tensor, op: string): Int32Array {
    expectDType(op, t, 'i32');
    return this.view(t) as Int32Array;
  }

  /** Wraps an array this backend now owns (no copy). */
  wrap(data: TensorData, shape: Shape): Tensor {
    checkShape('tensor', shape);
    if (data.length !== shapeSize(shape)) throw new ShapeError(`tensor: ${data.length} values do not fill shape ${shapeStr(shape)}`);
    this.live++;
    this.bytes += data.byteLength;
    return new Tensor(this, new CpuStorage(data), [...shape], data instanceof Int32Array ? 'i32' : 'f32');
  }

  fromData(data: TensorData | readonly number[], shape: Shape, dtype?: DType): Tensor {
    const dt = dtype ?? (data instanceof Int32Array ? 'i32' : 'f32');
    const copy = dt === 'i32' ? Int32Array.from(data as ArrayLike<number>) : Float32Array.from(data as ArrayLike<number>);
    return this.wrap(copy, shape);
  }

  zeros(shape: Shape, dtype: DType = 'f32'): Tensor {
    checkShape('zeros', shape);
    const n = shapeSize(shape);
    return this.wrap(dtype === 'i32' ? new Int32Array(n) : new Float32Array(n), shape);
  }

  full(shape: Shape, value: number): Tensor {
    const t = this.zeros(shape);
    (this.view(t) as Float32Array).fill(value);
    return t;
  }

  async read(t: Tensor): Promise<TensorData> {
    return this.view(t).slice();
  }

  release(storage: Storage): void {
    this.live--;
    this.bytes -= (storage as CpuStorage).data.byteLength;
  }

  flush(): void {}

  async sync(): Promise<void> {}

  async guard<T>(_what: string, fn: () => T | Promise<T>): Promise<T> {
    return fn();
  }

  /** Threads large products run on, and why fewer than requested when so (no shared memory...). */
  threads(): CpuThreadInfo {
    return cpuThreadInfo();
  }

  memory(): { liveStorages: number; bytes: number; pooledBytes: number } {
    return { liveStorages: this.live, bytes: this.bytes, pooledBytes: 0 };
  }

  // --- layout -------------------------------------------------------------------------------
  private strided(x: Tensor, outShape: Shape, copies: StridedCopyParams[], sources = [x], dtype = x.dtype): Tensor {
    const out = this.zeros(outShape, dtype);
    copies.forEach((c, i) => stridedCopyCpu(this.view(sources[i]), this.view(out), c));
    return out;
  }

  copy(x: Tensor): Tensor {
    return this.wrap(this.view(x).slice(), x.shape);
  }

  assign(dst: Tensor, src: Tensor): void {
    expectSameShape('assign', dst, src);
    expectDType('assign', src, dst.dtype);
    forgetPacked(this.view(dst));
    this.view(dst).set(this.view(src));
  }

  permute(x: Tensor, perm: readonly number[]): Tensor {
    const { outShape, copy } = planPermute(x.shape, perm);
    return this.strided(x, outShape, [copy]);
  }

  slice(x: Tensor, axis: number, start: number, end: number): Tensor {
    const { outShape, copy } = planSlice(x.shape, axis, start, end);
    return this.strided(x, outShape, [copy]);
  }

  concat(xs: readonly Tensor[], axis: number): Tensor {
    expectSameBackend('concat', ...xs);
    for (const x of xs) expectDType('concat', x, xs[0].dtype);
    const { outShape, copies } = planConcat(
      xs.map((x) => x.shape),
      axis,
    );
    return this.strided(xs[0], outShape, copies, [...xs]);
  }

  broadcastTo(x: Tensor, shape: Shape): Tensor {
    return this.strided(x, shape, [planBroadcastTo(x.shape, shape)]);
  }

  sumTo(x: Tensor, shape: Shape): Tensor {
    const { axes } = planSumTo(x.shape, shape);
    if (axes.length === 0) return this.copy(x).reshape(shape);
    const { out } = reduceCpu('sum', this.f32(x, 'sumTo'), x.shape, axes, true);
    return this.wrap(out, shape);
  }

  cast(x: Tensor, dtype: DType): Tensor {
    if (x.dtype === dtype) return this.copy(x);
    const copy: StridedCopyParams = { shape: [x.size], inStrides: [1], outStrides: [1], op: dtype === 'i32' ? 'f32->i32' : 'i32->f32' };
    return this.strided(x, x.shape, [copy], [x], dtype);
  }

  // --- elementwise --------------------------------------------------------------------------
  unary(op: UnaryOp, x: Tensor): Tensor {
    return this.wrap(unaryCpu(op, this.f32(x, op)), x.shape);
  }

  unaryBackward(op: UnaryOp, x: Tensor, dy: Tensor): Tensor {
    expectSameShape(`${op} backward`, x, dy);
    return this.wrap(unaryBackwardCpu(op, this.f32(x, op), this.f32(dy, op)), x.shape);
  }

  binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
    expectSameBackend(op, a, b);
    broadcastShapes(op, a.shape, b.shape);
    const { out, shape } = binaryCpu(op, this.f32(a, op), a.shape, this.f32(b, op), b.shape);
    return this.wrap(out, shape);
  }

  affine(x: Tensor, scale: number, bias: number): Tensor {
    return this.wrap(affineCpu(this.f32(x, 'affine'), scale, bias), x.shape);
  }

  addScaledInPlace(acc: Tensor, x: Tensor, scale: number): void {
    expectSameShape('addScaledInPlace', acc, x);
    forgetPacked(this.view(acc));
    axpyCpu(this.f32(acc, 'addScaledInPlace'), this.f32(x, 'addScaledInPlace'), scale);
  }

  // --- reductions ---------------------------------------------------------------------------
  reduce(op: ReduceOp, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
    const { out, shape } = reduceCpu(op, this.f32(x, op), x.shape, axes, keepDims);
    return this.wrap(out, shape);
  }

  private rows(x: Tensor, op: string): { rows: number; cols: number } {
    if (x.rank === 0) throw new ShapeError(`${op}: needs at least one axis, got ${shapeStr(x.shape)}`);
    const cols = x.shape[x.rank - 1];
    return { rows: cols === 0 ? 0 : x.size / cols, cols };
  }

  softmax(x: Tensor): Tensor {
    return this.wrap(softmaxCpu(this.f32(x, 'softmax'), { ...this.rows(x, 'softmax'), log: false }), x.shape);
  }

  softmaxBackward(y: Tensor, dy: Tensor): Tensor {
    expectSameShape('softmax backward', y, dy);
    return this.wrap(softmaxBackwardCpu(this.f32(y, 'softmax'), this.f32(dy, 'softmax'), { ...this.rows(y, 'softmax'), log: false }), y.shape);
  }

  logSoftmax(x: Tensor): Tensor {
    return this.wrap(softmaxCpu(this.f32(x, 'logSoftmax'), { ...this.rows(x, 'logSoftmax'), log: true }), x.shape);
  }

  logSoftmaxBackward(y: Tensor, dy: Tensor): Tensor {
    expectSameShape('logSoftmax backward', y, dy);
    return this.wrap(softmaxBackwardCpu(this.f32(y, 'logSoftmax'), this.f32(dy, 'logSoftmax'), { ...this.rows(y, 'logSoftmax'), log: true }), y.shape);
  }

  sumOfSquares(xs: readonly Tensor[]): Tensor {
    return this.wrap(Float32Array.of(sumOfSquaresCpu(xs.map((x) => this.f32(x, 'sumOfSquares')))), [1]);
  }

  // --- matmul -------------------------------------------------------------------------------
  matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
    expectSameBackend('matmul', a, b);
    const plan = planMatmul(a.shape, b.shape, options);
    // B may keep its packed panels while a hold is open (generation: ops.holdFrozenWeights).
    return this.wrap(matmulFast(this.f32(a, 'matmul'), this.f32(b, 'matmul'), plan.shape, undefined, true), plan.outShape);
  }
}

