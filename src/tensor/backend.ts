// The one Backend interface: memory, layout, elementwise, reductions and matmul. Two
// implementations: ./cpu/backend.ts (plain TypeScript, the reference and the fallback) and
// ./webgpu/backend.ts (WGSL from shaders/, tensors in pooled GPUBuffers, ops recorded into a
// pending command encoder and submitted in batches). The transformer and optimizer ops are free
// functions that take the backend (./ops/). Autograd, nn and train call only these, so they run
// unchanged on either; a backend is chosen once per run. Every op returns a new contiguous tensor
// unless it says "in place".
//
// Shape letters: B batch, T time, C channels, V vocab, H heads (Hq query, Hkv key/value), D head dim.
import type { DType, Shape, Storage, Tensor, TensorData } from './tensor';

export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'abs'
  | 'relu'
  | 'tanh'
  | 'sigmoid'
  | 'logsigmoid'
  | 'silu'
  | 'gelu'
  | 'reciprocal';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';

export type ReduceOp = 'sum' | 'mean' | 'max';

export interface MatmulOptions {
  /** A is [..., k, m] and used transposed. */
  transA?: boolean;
  /** B is [..., n, k] and used transposed. */
  transB?: boolean;
}

/** Head layouts: [B, H, T, D], or [B, T, H, D] as a [B, T, H*D] projection is before any transpose. */
export type HeadLayout = 'BHTD' | 'BTHD';

export interface AttentionOptions {
  /** Mask keys after the query position (queries are the last T of the S key positions). */
  causal: boolean;
  /** Layout of q, k, v and out (default BHTD). */
  layout?: HeadLayout;
  /** [B, S] (any dtype), nonzero for real tokens and 0 for padding keys; optional. */
  keyMask?: Tensor | null;
  /** Softmax scale; defaults to 1/sqrt(D). */
  scale?: number;
  /**
   * `fused` (one online-softmax kernel that never writes the T x S scores) or `unfused` (products
   * and a softmax over the whole score matrix, ../ops/attention-unfused.ts). Default: fused, unless
   * the webgpu device's kernel variants say `attention=unfused`.
   */
  impl?: 'fused' | 'unfused';
}

export interface Backend {
  readonly name: 'cpu' | 'webgpu';

  // --- memory -------------------------------------------------------------------------------
  /** A tensor holding a copy of `data` (f32 from a Float32Array or number[], i32 from an Int32Array). */
  fromData(data: TensorData | readonly number[], shape: Shape, dtype?: DType): Tensor;
  zeros(shape: Shape, dtype?: DType): Tensor;
  full(shape: Shape, value: number): Tensor;
  /** Reads a tensor back. On webgpu this submits pending work and waits: only at log intervals. */
  read(t: Tensor): Promise<TensorData>;
  /** Returns storage to the backend (called by Tensor.dispose when the last view goes). */
  release(storage: Storage): void;
  /** Submits recorded work (webgpu); a no-op on cpu. Call once at the end of a training step. */
  flush(): void;
  /** Resolves when all submitted work has finished (webgpu); immediate on cpu. */
  sync(): Promise<void>;
  /**
   * Runs `fn` (which records work) and submits it, turning GPU out-of-memory and validation
   * failures inside it into OutOfMemoryError / GpuValidationError naming `what` (src/gpu/errors).
   */
  guard<T>(what: string, fn: () => T | Promise<T>): Promise<T>;
  /** Buffers/arrays currently allocated by this backend and bytes held, for leak checks. */
  memory(): { liveStorages: number; bytes: number; pooledBytes: number };

  // --- layout -------------------------------------------------------------------------------
  copy(x: Tensor): Tensor;
  /** dst[...] = src[...] in place (same shape); used for gradient accumulation and state. */
  assign(dst: Tensor, src: Tensor): void;
  /** Axis permutation, materialised. */
  permute(x: Tensor, perm: readonly number[]): Tensor;
  /** x[..., start:end, ...] along `axis`. */
  slice(x: Tensor, axis: number, start: number, end: number): Tensor;
  /** Concatenation along `axis`. */
  concat(xs: readonly Tensor[], axis: number): Tensor;
  /** Broadcasts x to `shape` (numpy rules), materialised. */
  broadcastTo(x: Tensor, shape: Shape): Tensor;
  /** Sums x down to `shape` (the adjoint of broadcastTo). */
  sumTo(x: Tensor, shape: Shape): Tensor;
  /** i32 -> f32 or f32 -> i32 (truncation). */
  cast(x: Tensor, dtype: DType): Tensor;

  // --- elementwise --------------------------------------------------------------------------
  unary(op: UnaryOp, x: Tensor): Tensor;
  /** dL/dx of `unary(op, x)` given x and dL/dy (fused, one kernel). */
  unaryBackward(op: UnaryOp, x: Tensor, dy: Tensor): Tensor;
  /** Elementwise with numpy broadcasting. */
  binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor;
  /** y = x * scale + bias (scalars). */
  affine(x: Tensor, scale: number, bias: number): Tensor;
  /** acc += x * scale, in place (same shape). */
  addScaledInPlace(acc: Tensor, x: Tensor, scale: number): void;

  // --- reductions ---------------------------------------------------------------------------
  /** Reduces over `axes` (negative counts from the end). */
  reduce(op: ReduceOp, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor;
  /** Softmax over the last axis. */
  softmax(x: Tensor): Tensor;
  /** dL/dx given y = softmax(x) and dL/dy. */
  softmaxBackward(y: Tensor, dy: Tensor): Tensor;
  logSoftmax(x: Tensor): Tensor;
  /** dL/dx given y = logSoftmax(x) and dL/dy. */
  logSoftmaxBackward(y: Tensor, dy: Tensor): Tensor;
  /** sum of squares of every element of every tensor, as a [1] tensor (grad-norm clipping). */
  sumOfSquares(xs: readonly Tensor[]): Tensor;

  // --- matmul -------------------------------------------------------------------------------
  /**
   * Batched matmul. a: [..., m, k] (or [..., k, m] with transA), b: [..., k, n] (or [..., n, k]
   * with transB) or a 2-D b shared by every batch. Batch dims of a and b must be equal.
   */
  matmul(a: Tensor, b: Tensor, options?: MatmulOptions): Tensor;
}
