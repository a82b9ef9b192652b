// Differentiable ops: each runs the forward on the tensors' backend and records a tape node whose
// rule lives in ./rules.ts. nn modules, losses and models are written with these functions only,
// so they run unchanged on the cpu and webgpu backends.
import { normAxis, ops, type AttentionOptions, type HeadLayout, type MatmulOptions, type Shape, type Tensor, type UnaryOp } from '../tensor';
import { record } from './tape';

// --- elementwise ----------------------------------------------------------------------------
export const add = (a: Tensor, b: Tensor): Tensor => record('add', [a, b], a.backend.binary('add', a, b));
export const sub = (a: Tensor, b: Tensor): Tensor => record('sub', [a, b], a.backend.binary('sub', a, b));
export const mul = (a: Tensor, b: Tensor): Tensor => record('mul', [a, b], a.backend.binary('mul', a, b));
export const div = (a: Tensor, b: Tensor): Tensor => record('div', [a, b], a.backend.binary('div', a, b));

export function unary(op: UnaryOp, x: Tensor): Tensor {
  return record('unary', [x], x.backend.unary(op, x), { op });
}
export const neg = (x: Tensor) => unary('neg', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const rsqrt = (x: Tensor) => unary('rsqrt', x);
export const square = (x: Tensor) => unary('square', x);
export const abs = (x: Tensor) => unary('abs', x);
export const relu = (x: Tensor) => unary('relu', x);
export const tanh = (x: Tensor) => unary('tanh', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
export const logsigmoid = (x: Tensor) => unary('logsigmoid', x);
export const silu = (x: Tensor) => unary('silu', x);
/** GELU, tanh approximation. */
export const gelu = (x: Tensor) => unary('gelu', x);
export const reciprocal = (x: Tensor) => unary('reciprocal', x);

/** x * scale + bias with scalar scale and bias. */
export function affine(x: Tensor, scale: number, bias = 0): Tensor {
  return record('affine', [x], x.backend.affine(x, scale, bias), { scale });
}
export const scale = (x: Tensor, s: number) => affine(x, s, 0);
export const addScalar = (x: Tensor, s: number) => affine(x, 1, s);

// --- layout ---------------------------------------------------------------------------------
export function reshape(x: Tensor, shape: Shape): Tensor {
  return record('reshape', [x], x.reshape(shape));
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  return record('permute', [x], x.backend.permute(x, perm), { perm: [...perm] });
}

/** Swaps two axes (negative counts from the end). */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  const i = normAxis('transpose', a, x.rank);
  const j = normAxis('transpose', b, x.rank);
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return permute(x, perm);
}

export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const ax = normAxis('slice', axis, x.rank);
  return record('slice', [x], x.backend.slice(x, ax, start, end), { axis: ax, start, end });
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const ax = normAxis('concat', axis, xs[0]?.rank ?? 1);
  return record('concat', xs, xs[0].backend.concat(xs, ax), { axis: ax });
}

export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  return record('broadcastTo', [x], x.backend.broadcastTo(x, shape));
}

// --- reductions -----------------------------------------------------------------------------
function axesOf(x: Tensor, axes: number | readonly number[] | undefined): number[] {
  if (axes === undefined) return Array.from({ length: x.rank }, (_, i) => i);
  return (typeof axes === 'number' ? [axes] : [...axes]).map((a) => normAxis('reduce', a, x.rank));
}

/** Sum over `axes` (all by default). */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = axesOf(x, axes);
  return record('sum', [x], x.backend.reduce('sum', x, ax, keepDims), { axes: ax, keepDims });
}

export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = axesOf(x, axes);
  return record('mean', [x], x.backend.reduce('mean', x, ax, keepDims), { axes: ax, keepDims });
}

/** Max over `axes`; not differentiable (used for statistics and numerics), so never recorded. */
export function maxNoGrad(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return x.backend.reduce('max', x, axesOf(x, axes), keepDims);
}

export const softmax = (x: Tensor): Tensor => record('softmax', [x], x.backend.softmax(x));
export const logSoftmax = (x: Tensor): Tensor => record('logSoftmax', [x], x.backend.logSoftmax(x));

// --- matmul ---------------------------------------------------------------------------------
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  return record('matmul', [a, b], a.backend.matmul(a, b, options), { options: { ...options } });
}

// --- transformer ops ------------------------------------------------------------------------
export function rmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor {
  const { y, rstd } = ops.rmsNorm(x.backend, x, weight, eps);
  return record('rmsNorm', [x, weight], y, { rstd });
}

export function layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor {
  const { y, mean: mu, rstd } = ops.layerNorm(x.backend, x, weight, bias, eps);
  return record('layerNorm', [x, weight, bias], y, { rstd, mean: mu });
}

/** Rotary embedding of x [B, H, T, D] (or [B, T, H, D] with layout BTHD) at positions ([T] or [B, T], i32). */
export function rope(x: Tensor, positions: Tensor, theta: number, layout: HeadLayout = 'BHTD'): Tensor {
  return record('rope', [x], ops.rope(x.backend, x, positions, theta, false, layout), { positions, theta, layout });
}

/** Attention of q [B, Hq, T, D] over k, v [B, Hkv, S, D] (or BTHD); returns out shaped like q. */
export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions): Tensor {
  const { out, lse } = ops.attention(q.backend, q, k, v, options);
  return record('attention', [q, k, v], out, { lse, options: { ...options } });
}

/** Rows of table [V, C] at ids (i32) -> [...ids.shape, C]. */
export function embedding(table: Tensor, ids: Tensor): Tensor {
  return record('embedding', [table, ids], ops.embedding(table.backend, table, ids));
}

/** PyTorch's default ignore_index. */
export const IGNORE_INDEX = -100;

/** Per-row cross-entropy [N] of logits [N, V] against targets [N] (i32); ignored rows give 0. */
export function crossEntropy(logits: Tensor, targets: Tensor, ignoreIndex = IGNORE_INDEX): Tensor {
  const { losses, lse } = ops.crossEntropy(logits.backend, logits, targets, ignoreIndex);
  return record('crossEntropy', [logits, targets], losses, { lse, ignoreIndex });
}

/** log p(target) per row [N] of logits [N, V] (what DPO needs); targets of -100 give 0. */
export function gatherLogProbs(logits: Tensor, targets: Tensor): Tensor {
  const { logps, lse } = ops.gatherLogProbs(logits.backend, logits, targets);
  return record('gatherLogProbs', [logits, targets], logps, { lse });
}
