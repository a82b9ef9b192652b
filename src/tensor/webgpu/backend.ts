// The webgpu backend: tensors hold pooled GPUBuffers; every op records its dispatches into one
// pending command encoder, submitted by flush() (once per training step) or by a readback;
// uploads during recording go through staging copies inside the encoder. Nothing reads back
// unless asked (`read`), so a step costs one submission and no round trips. Elementwise, layout,
// reduction and matmul kernels are ours (src/tensor/kernels/*); the transformer and optimizer ops
// record into this backend's encoder (empty, buffer, encoder) from ../ops/.
import type { GpuContext } from '../../gpu';
import type { Backend, BinaryOp, MatmulOptions, ReduceOp, UnaryOp } from '../backend';
import { encodeAxpy, encodeBinary } from '../kernels/binary';
import { encodeSumOfSquares, sumOfSquaresScratch } from '../kernels/global-norm';
import { encodeMatmul } from '../kernels/matmul';
import { encodeReduce } from '../kernels/reduce';
import { encodeSoftmax, encodeSoftmaxBackward } from '../kernels/softmax';
import { encodeStridedCopy, type StridedCopyParams } from '../kernels/strided-copy';
import { encodeUnary, encodeUnaryBackward } from '../kernels/unary';
import {
  broadcastShapes,
  expectDType,
  expectSameBackend,
  expectSameShape,
  planBroadcastTo,
  planConcat,
  planMatmul,
  planPermute,
  planReduceShape,
  planSlice,
  planSumTo,
} from '../plan';
import { checkShape, ShapeError, shapeSize, shapeStr, Tensor, type DType, type Shape, type Storage, type TensorData } from '../tensor';
import { BufferPool, type PoolStats } from './buffer-pool';

export class GpuStorage implements Storage {
  refs = 1;
  constructor(
    readonly buffer: GPUBuffer,
    readonly length: number,
  ) {}
}

/** Recorded passes after which the pending encoder is submitted anyway (bounds its memory). */
const MAX_PASSES_PER_SUBMIT = 4096;

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
  readonly pool: BufferPool;
  private pending: GPUCommandEncoder | null = null;
  private passes = 0;
  private submits = 0;
  private readonly constants = new Map<number, GPUBuffer>();
  /** Upload staging buffers named by the pending encoder, destroyed after it is submitted. */
  private staging: GPUBuffer[] = [];

  constructor(readonly ctx: GpuContext) {
    this.pool = new BufferPool(ctx);
  }

  // --- recording ----------------------------------------------------------------------------
  /** The pending encoder; kernels record into it. Counts one pass per call. */
  encoder(): GPUCommandEncoder {
    this.ctx.assertAlive();
    if (this.passes >= MAX_PASSES_PER_SUBMIT) this.flush();
    this.pending ??= this.ctx.device.createCommandEncoder({ label: 'webgpu-backend' });
    this.passes++;
    return this.pending;
  }

  flush(): void {
    if (!this.pending) return;
    const commands = this.pending.finish();
    this.pending = null;
    this.passes = 0;
    this.submits++;
    this.ctx.device.queue.submit([commands]);
    // Destroying after submit is safe: the buffers live until the submitted copies complete.
    for (const b of this.staging) b.destroy();
    this.staging = [];
  }

  async sync(): Promise<void> {
    this.flush();
    await this.ctx.device.queue.onSubmittedWorkDone();
    this.ctx.assertAlive();
  }

  /** Submissions so far (tests check a step's count). */
  get submitCount(): number {
    return this.submits;
  }

  /** The GPUBuffer behind t (for kernels wired from outside this file). */
  buffer(t: Tensor, op = 'webgpu'): GPUBuffer {
    t.assertLive(op);
    if (t.backend !== this) throw new ShapeError(`${op}: ${t} belongs to another backend`);
    return (t.storage as GpuStorage).buffer;
  }

  /** A new uninitialised tensor (every element is written by the op that asked for it). */
  empty(shape: Shape, dtype: DType = 'f32', label = 'tensor'): Tensor {
    checkShape(label, shape);
    const n = shapeSize(shape);
    const buffer = this.pool.acquire(n * 4, label);
    return new Tensor(this, new GpuStorage(buffer, Math.floor(buffer.size / 4)), [...shape], dtype);
  }

  // --- memory -------------------------------------------------------------------------------
  fromData(data: TensorData | readonly number[], shape: Shape, dtype?: DType): Tensor {
    const dt = dtype ?? (data instanceof Int32Array ? 'i32' : 'f32');
    const array = dt === 'i32' ? Int32Array.from(data as ArrayLike<number>) : Float32Array.from(data as ArrayLike<number>);
    checkShape('fromData', shape);
    if (array.length !== shapeSize(shape)) throw new ShapeError(`fromData: ${array.length} values do not fill shape ${shapeStr(shape)}`);
    const t = this.empty(shape, dt, 'upload');
    if (array.length === 0) return t;
    if (!this.pending) {
      // Nothing recorded: a direct queue write is ordered correctly.
      this.ctx.device.queue.writeBuffer(this.buffer(t), 0, array.buffer, array.byteOffset, array.byteLength);
      return t;
    }
    // Recorded work may still name this pooled buffer, and queue.writeBuffer would run before it;
    // copy from a staging buffer inside the encoder instead, keeping order without a submit.
    const bytes = Math.ceil(array.byteLength / 4) * 4;
    const staging = this.ctx.device.createBuffer({ label: 'upload:staging', size: bytes, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
    new Uint8Array(staging.getMappedRange()).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    staging.unmap();
    this.encoder().copyBufferToBuffer(staging, 0, this.buffer(t), 0, bytes);
    this.staging.push(staging);
    return t;
  }

  zeros(shape: Shape, dtype: DType = 'f32'): Tensor {
    const t = this.empty(shape, dtype, 'zeros');
    if (t.size > 0) this.encoder().clearBuffer(this.buffer(t), 0, Math.ceil((t.size * 4) / 4) * 4);
    return t;
  }

  /** A one-element storage buffer holding `value`, cached (read-only, never rewritten). */
  private constant(value: number): GPUBuffer {
    const key = Math.fround(value);
    let b = this.constants.get(key);
    if (!b) {
      b = this.ctx.device.createBuffer({ label: `constant:${value}`, size: 16, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
      new Float32Array(b.getMappedRange()).fill(value);
      b.unmap();
      if (this.constants.size < 1024) this.constants.set(key, b);
    }
    return b;
  }

  full(shape: Shape, value: number): Tensor {
    const t = this.empty(shape, 'f32', 'full');
    const copy: StridedCopyParams = { shape: [t.size], inStrides: [0], outStrides: [1] };
    encodeStridedCopy(this.ctx, this.encoder(), this.constant(value), this.buffer(t), copy);
    return t;
  }

  async read(t: Tensor): Promise<TensorData> {
    const buffer = this.buffer(t, 'read');
    this.flush();
    if (t.size === 0) return t.dtype === 'i32' ? new Int32Array(0) : new Float32Array(0);
    const bytes = await this.ctx.read(buffer, t.size * 4);
    return t.dtype === 'i32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  release(storage: Storage): void {
    this.pool.release((storage as GpuStorage).buffer, () => this.flush());
  }

  memory(): { liveStorages: number; bytes: number; pooledBytes: number } {
    const s = this.pool.stats();
    return { liveStorages: s.inUse, bytes: s.inUseBytes, pooledBytes: s.pooledBytes };
  }

  poolStats(): PoolStats {
    return this.pool.stats();
  }

  async guard<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
    return this.ctx.scoped(what, async () => {
      const result = await fn();
      this.flush();
      return result;
    });
  }

  // --- layout -------------------------------------------------------------------------------
  private strided(outShape: Shape, copies: StridedCopyParams[], sources: readonly Tensor[], dtype: DType): Tensor {
    const out = this.empty(outShape, dtype, 'layout');
    copies.forEach((c, i) => encodeStridedCopy(this.ctx, this.encoder(), this.buffer(sources[i]), this.buffer(out), c));
    return out;
  }

  copy(x: Tensor): Tensor {
    const out = this.empty(x.shape, x.dtype, 'copy');
    if (x.size > 0) this.encoder().copyBufferToBuffer(this.buffer(x), 0, this.buffer(out), 0, x.size * 4);
    return out;
  }

  assign(dst: Tensor, src: Tensor): void {
    expectSameShape('assign', dst, src);
    expectDType('assign', src, dst.dtype);
    if (src.size > 0) this.encoder().copyBufferToBuffer(this.buffer(src), 0, this.buffer(dst), 0, src.size * 4);
  }

  permute(x: Tensor, perm: readonly number[]): Tensor {
    const { outShape, copy } = planPermute(x.shape, perm);
    return this.strided(outShape, [copy], [x], x.dtype);
  }

  slice(x: Tensor, axis: number, start: number, end: number): Tensor {
    const { outShape, copy } = planSlice(x.shape, axis, start, end);
    return this.strided(outShape, [copy], [x], x.dtype);
  }

  concat(xs: readonly Tensor[], axis: number): Tensor {
    expectSameBackend('concat', ...xs);
    for (const x of xs) expectDType('concat', x, xs[0].dtype);
    const { outShape, copies } = planConcat(
      xs.map((x) => x.shape),
      axis,
    );
    return this.strided(outShape, copies, xs, xs[0].dtype);
  }

  broadcastTo(x: Tensor, shape: Shape): Tensor {
    return this.strided(shape, [planBroadcastTo(x.shape, shape)], [x], x.dtype);
  }

  sumTo(x: Tensor, shape: Shape): Tensor {
    const { axes } = planSumTo(x.shape, shape);
    if (axes.length === 0) return this.copy(x).reshape(shape);
    const out = this.empty(shape, 'f32', 'sumTo');
    encodeReduce(this.ctx, this.encoder(), this.buffer(x), this.buffer(out), { op: 'sum', shape: x.shape, axes });
    return out;
  }

  cast(x: Tensor, dtype: DType): Tensor {
    if (x.dtype === dtype) return this.copy(x);
    const copy: StridedCopyParams = { shape: [x.size], inStrides: [1], outStrides: [1], op: dtype === 'i32' ? 'f32->i32' : 'i32->f32' };
    return this.strided(x.shape, [copy], [x], dtype);
  }

  // --- elementwise --------------------------------------------------------------------------
  unary(op: UnaryOp, x: Tensor): Tensor {
    expectDType(op, x, 'f32');
    const out = this.empty(x.shape, 'f32', op);
    encodeUnary(this.ctx, this.encoder(), this.buffer(x), this.buffer(out), { n: x.size, op });
    return out;
  }

  unaryBackward(op: UnaryOp, x: Tensor, dy: Tensor): Tensor {
    expectSameShape(`${op} backward`, x, dy);
    expectDType(op, x, 'f32');
    const dx = this.empty(x.shape, 'f32', `${op} backward`);
    encodeUnaryBackward(this.ctx, this.encoder(), this.buffer(x), this.buffer(dy), this.buffer(dx), { n: x.size, op });
    return dx;
  }

  binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
    expectSameBackend(op, a, b);
    expectDType(op, a, 'f32');
    expectDType(op, b, 'f32');
    const shape = broadcastShapes(op, a.shape, b.shape);
    const out = this.empty(shape, 'f32', op);
    encodeBinary(this.ctx, this.encoder(), this.buffer(a), this.buffer(b), this.buffer(out), { op, aShape: a.shape, bShape: b.shape });
    return out;
  }

  affine(x: Tensor, scale: number, bias: number): Tensor {
    expectDType('affine', x, 'f32');
    const out = this.empty(x.shape, 'f32', 'affine');
    encodeUnary(this.ctx, this.encoder(), this.buffer(x), this.buffer(out), { n: x.size, op: 'affine', a: scale, b: bias });
    return out;
  }

  addScaledInPlace(acc: Tensor, x: Tensor, scale: number): void {
    expectSameShape('addScaledInPlace', acc, x);
    encodeAxpy(this.ctx, this.encoder(), this.buffer(x), this.buffer(acc), { n: x.size, scale });
  }

  // --- reductions ---------------------------------------------------------------------------
  reduce(op: ReduceOp, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
    expectDType(op, x, 'f32');
    const out = this.empty(planReduceShape(op, x.shape, axes, keepDims), 'f32', op);
    encodeReduce(this.ctx, this.encoder(), this.buffer(x), this.buffer(out), { op, shape: x.shape, axes });
    return out;
  }

  private rowsOf(x: Tensor, op: string): { rows: number; cols: number } {
    if (x.rank === 0) throw new ShapeError(`${op}: needs at least one axis, got ${shapeStr(x.shape)}`);
    const cols = x.shape[x.rank - 1];
    return { rows: cols === 0 ? 0 : x.size / cols, cols };
  }

  private softmaxLike(x: Tensor, log: boolean): Tensor {
    const op = log ? 'logSoftmax' : 'softmax';
    expectDType(op, x, 'f32');
    const y = this.empty(x.shape, 'f32', op);
    encodeSoftmax(this.ctx, this.encoder(), this.buffer(x), this.buffer(y), { ...this.rowsOf(x, op), log });
    return y;
  }

  private softmaxLikeBackward(y: Tensor, dy: Tensor, log: boolean): Tensor {
    const op = log ? 'logSoftmax backward' : 'softmax backward';
    expectSameShape(op, y, dy);
    const dx = this.empty(y.shape, 'f32', op);
    encodeSoftmaxBackward(this.ctx, this.encoder(), this.buffer(y), this.buffer(dy), this.buffer(dx), { ...this.rowsOf(y, op), log });
    return dx;
  }

  softmax(x: Tensor): Tensor {
    return this.softmaxLike(x, false);
  }

  softmaxBackward(y: Tensor, dy: Tensor): Tensor {
    return this.softmaxLikeBackward(y, dy, false);
  }

  logSoftmax(x: Tensor): Tensor {
    return this.softmaxLike(x, true);
  }

  logSoftmaxBackward(y: Tensor, dy: Tensor): Tensor {
    return this.softmaxLikeBackward(y, dy, true);
  }

  sumOfSquares(xs: readonly Tensor[]): Tensor {
    for (const x of xs) expectDType('sumOfSquares', x, 'f32');
    const spans = xs.map((x) => ({ buffer: this.buffer(x, 'sumOfSquares'), n: x.size }));
    const scratch = this.empty([Math.max(1, sumOfSquaresScratch(spans))], 'f32', 'sumOfSquares');
    const out = this.empty([1], 'f32', 'sumOfSquares');
    encodeSumOfSquares(this.ctx, this.encoder(), spans, this.buffer(scratch), this.buffer(out));
    scratch.dispose();
    return out;
  }

  // --- matmul -------------------------------------------------------------------------------
  matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
    expectSameBackend('matmul', a, b);
    expectDType('matmul', a, 'f32');
    expectDType('matmul', b, 'f32');
    const plan = planMatmul(a.shape, b.shape, options);
    const out = this.empty(plan.outShape, 'f32', 'matmul');
    encodeMatmul(this.ctx, this.encoder(), this.buffer(a), this.buffer(b), this.buffer(out), plan.shape);
    return out;
  }
}
