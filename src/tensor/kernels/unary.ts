// Elementwise unary ops and their fused backward (dx = dy * f'(x)): CPU references that define
// the results, and WebGPU encoders. Shader: shaders/unary.wgsl (one OP override per op).
// `gelu` is the tanh approximation (GPT-2's; PyTorch's approximate='tanh').
import unaryWgsl from '../../../shaders/unary.wgsl?raw';
import type { GpuContext } from '../../gpu';
import type { UnaryOp } from '../backend';
import { grid1d, paramsBuffer, recordPass, type KernelOptions } from './kernel-support';

export const UNARY_WORKGROUP_SIZE = 256;

/** Op codes of the OP override in unary.wgsl; 'affine' is x * a + b (forward only). */
export const UNARY_CODES: Record<UnaryOp | 'affine', number> = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  rsqrt: 4,
  square: 5,
  abs: 6,
  relu: 7,
  tanh: 8,
  sigmoid: 9,
  logsigmoid: 10,
  silu: 11,
  gelu: 12,
  reciprocal: 13,
  affine: 14,
};

const GELU_K = Math.sqrt(2 / Math.PI);

function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** f(v) in f64 (callers round to f32). */
export function unaryScalar(op: UnaryOp, v: number): number {
  switch (op) {
    case 'neg':
      return -v;
    case 'exp':
      return Math.exp(v);
    case 'log':
      return Math.log(v);
    case 'sqrt':
      return Math.sqrt(v);
    case 'rsqrt':
      return 1 / Math.sqrt(v);
    case 'square':
      return v * v;
    case 'abs':
      return Math.abs(v);
    case 'relu':
      return v > 0 ? v : 0;
    case 'tanh':
      return Math.tanh(v);
    case 'sigmoid':
      return sigmoid(v);
    case 'logsigmoid':
      return Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v)));
    case 'silu':
      return v * sigmoid(v);
    case 'gelu':
      return 0.5 * v * (1 + Math.tanh(GELU_K * (v + 0.044715 * v * v * v)));
    case 'reciprocal':
      return 1 / v;
  }
}

/** f'(v) in f64. */
export function unaryDerivative(op: UnaryOp, v: number): number {
  switch (op) {
    case 'neg':
      return -1;
    case 'exp':
      return Math.exp(v);
    case 'log':
      return 1 / v;
    case 'sqrt':
      return 0.5 / Math.sqrt(v);
    case 'rsqrt':
      return -0.5 / (Math.sqrt(v) * v);
    case 'square':
      return 2 * v;
    case 'abs':
      return Math.sign(v);
    case 'relu':
      return v > 0 ? 1 : 0;
    case 'tanh': {
      const t = Math.tanh(v);
      return 1 - t * t;
    }
    case 'sigmoid': {
      const s = sigmoid(v);
      return s * (1 - s);
    }
    case 'logsigmoid':
      return sigmoid(-v);
    case 'silu': {
      const s = sigmoid(v);
      return s * (1 + v * (1 - s));
    }
    case 'gelu': {
      const t = Math.tanh(GELU_K * (v + 0.044715 * v * v * v));
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_K * (1 + 3 * 0.044715 * v * v);
    }
    case 'reciprocal':
      return -1 / (v * v);
  }
}

/** CPU reference: f computed in f64, rounded to f32 once. */
export function unaryCpu(op: UnaryOp, x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  // The cpu backend runs this too: silu (every Llama MLP) gets a loop of its own, the same
  // arithmetic without the per-element switch (~20% faster).
  if (op === 'silu') {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = v * sigmoid(v);
    }
    return out;
  }
  for (let i = 0; i < x.length; i++) out[i] = unaryScalar(op, x[i]);
  return out;
}

/** CPU reference of the backward: dx = dy * f'(x). */
export function unaryBackwardCpu(op: UnaryOp, x: Float32Array, dy: Float32Array): Float32Array {
  if (x.length !== dy.length) throw new RangeError(`${op} backward: x has ${x.length} elements but dy has ${dy.length}`);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = dy[i] * unaryDerivative(op, x[i]);
  return out;
}

/** CPU reference of affine: x * a + b in f32 arithmetic. */
export function affineCpu(x: Float32Array, a: number, b: number): Float32Array {
  const out = new Float32Array(x.length);
  const af = Math.fround(a);
  const bf = Math.fround(b);
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(x[i] * af) + bf;
  return out;
}

function pipeline(ctx: GpuContext, op: UnaryOp | 'affine', entry: 'main' | 'backward', options: KernelOptions): GPUComputePipeline {
  return ctx.pipelines.get('unary', options.shaderCode ?? unaryWgsl, { WG: UNARY_WORKGROUP_SIZE, OP: UNARY_CODES[op] }, entry);
}

export interface UnaryParams {
  n: number;
  op: UnaryOp | 'affine';
  /** affine only: out = x * a + b. */
  a?: number;
  b?: number;
}

/** Records out = op(x) for n elements. */
export function encodeUnary(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  out: GPUBuffer,
  p: UnaryParams,
  options: KernelOptions = {},
): void {
  if (p.n === 0) return;
  const grid = grid1d(p.n, UNARY_WORKGROUP_SIZE, ctx.report.limits.maxComputeWorkgroupsPerDimension);
  const params = paramsBuffer(ctx, 'unary', [['u32', p.n], ['u32', grid.row], ['f32', p.a ?? 1], ['f32', p.b ?? 0]]);
  recordPass(ctx, encoder, `unary:${p.op}`, pipeline(ctx, p.op, 'main', options), [x, out, params], [grid.x, grid.y]);
}

/** Records dx = dy * op'(x) for n elements. */
export function encodeUnaryBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  dy: GPUBuffer,
  dx: GPUBuffer,
  p: { n: number; op: UnaryOp },
  options: KernelOptions = {},
): void {
  if (p.n === 0) return;
  const grid = grid1d(p.n, UNARY_WORKGROUP_SIZE, ctx.report.limits.maxComputeWorkgroupsPerDimension);
  const params = paramsBuffer(ctx, 'unary', [['u32', p.n], ['u32', grid.row], ['f32', 1], ['f32', 0]]);
  recordPass(ctx, encoder, `unary-backward:${p.op}`, pipeline(ctx, p.op, 'backward', options), [x, dx, params, dy], [grid.x, grid.y]);
}
