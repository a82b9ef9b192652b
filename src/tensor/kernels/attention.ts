// Causal self-attention with grouped KV heads and a key-padding mask, forward and backward: CPU
// references and the WebGPU encoders of shaders/attention.wgsl (fused, online softmax) and
// shaders/attention-backward.wgsl (dq and dk/dv passes, no atomics).
// Layout 'BHTD' (default): q, out [B, HQ, T, D]; k, v [B, HKV, S, D]. 'BTHD': q [B, T, HQ, D],
// k, v [B, S, HKV, D]. Queries are the last T of the S key positions (S > T with a KV cache).
import attentionBackwardWgsl from '../../../shaders/attention-backward.wgsl?raw';
import attentionWgsl from '../../../shaders/attention.wgsl?raw';
import { LimitTooLowError, type GpuContext } from '../../gpu';
import { ShapeError } from '../tensor';
import { grid1d, paramsBuffer, placeholderBuffer, recordPass, requireBuffer, requireDims, requireLength, type KernelOptions } from './kernel-support';

export interface AttentionShape {
  b: number;
  /** Query heads. */
  hq: number;
  /** Key/value heads; divides hq. */
  hkv: number;
  /** Query positions. */
  t: number;
  /** Key positions (>= t when causal). */
  s: number;
  /** Head dim. */
  d: number;
  causal: boolean;
  /** Softmax scale; 1 / sqrt(d) when absent. */
  scale?: number;
  layout?: 'BHTD' | 'BTHD';
  /** Time capacity of the k/v buffers (a KV cache holding s of kvCapacity positions); default s. */
  kvCapacity?: number;
}

/** A key mask [B, S]: nonzero keeps the key, 0 marks padding. Any numeric typed array. */
export type KeyMask = Float32Array | Int32Array | Uint32Array;

export interface AttentionTuning {
  /** Query rows per workgroup tile. */
  BR: number;
  /** Keys per tile. */
  BC: number;
}

export const ATTENTION_WORKGROUP_SIZE = 64;

interface Strides {
  q: [number, number, number];
  k: [number, number, number];
}

function strides(s: AttentionShape): Strides {
  const cap = s.kvCapacity ?? s.s;
  if (s.layout === 'BTHD') return { q: [s.t * s.hq * s.d, s.d, s.hq * s.d], k: [cap * s.hkv * s.d, s.d, s.hkv * s.d] };
  return { q: [s.hq * s.t * s.d, s.t * s.d, s.d], k: [s.hkv * cap * s.d, cap * s.d, s.d] };
}

function qShape(s: AttentionShape): string {
  return s.layout === 'BTHD' ? `[B=${s.b}, T=${s.t}, HQ=${s.hq}, D=${s.d}]` : `[B=${s.b}, HQ=${s.hq}, T=${s.t}, D=${s.d}]`;
}

function kShape(s: AttentionShape): string {
  const cap = s.kvCapacity ?? s.s;
  const time = cap === s.s ? `S=${s.s}` : `capacity=${cap}`;
  return s.layout === 'BTHD' ? `[B=${s.b}, ${time}, HKV=${s.hkv}, D=${s.d}]` : `[B=${s.b}, HKV=${s.hkv}, ${time}, D=${s.d}]`;
}

function checkShape(op: string, s: AttentionShape): void {
  requireDims(op, { b: s.b, hq: s.hq, hkv: s.hkv, t: s.t, s: s.s, d: s.d }, ['hq', 'hkv', 'd']);
  if (s.hq % s.hkv !== 0) throw new ShapeError(`${op}: q ${qShape(s)} has ${s.hq} heads, not a multiple of k ${kShape(s)}'s ${s.hkv}`);
  if (s.causal && s.s < s.t) throw new ShapeError(`${op}: causal attention needs S >= T, but q is ${qShape(s)} and k is ${kShape(s)}`);
  const cap = s.kvCapacity ?? s.s;
  if (!Number.isInteger(cap) || cap < s.s) throw new ShapeError(`${op}: kvCapacity ${cap} is below S=${s.s}`);
}

function sizes(s: AttentionShape): { q: number; k: number; rows: number } {
  return { q: s.b * s.hq * s.t * s.d, k: s.b * s.hkv * (s.kvCapacity ?? s.s) * s.d, rows: s.b * s.hq * s.t };
}

function scaleOf(s: AttentionShape): number {
  return s.scale ?? 1 / Math.sqrt(s.d);
}

function checkArrays(op: string, s: AttentionShape, mask: KeyMask | null, arrays: Record<string, ArrayLike<number>>): void {
  checkShape(op, s);
  const n = sizes(s);
  for (const [name, a] of Object.entries(arrays)) {
    if (name === 'k' || name === 'v') requireLength(op, name, a, n.k, `${kShape(s)} (q is ${qShape(s)})`);
    else if (name === 'lse') requireLength(op, name, a, n.rows, `[B=${s.b}, HQ=${s.hq}, T=${s.t}]`);
    else requireLength(op, name, a, n.q, `${qShape(s)} (k is ${kShape(s)})`);
  }
  if (mask) requireLength(op, 'mask', mask, s.b * s.s, `[B=${s.b}, S=${s.s}] (q is ${qShape(s)}, k is ${kShape(s)})`);
}

/** Visits the allowed keys of every query row: fn(b, h, t, qOffset, kvOffsets of allowed keys). */
function forEachRow(s: AttentionShape, mask: KeyMask | null, fn: (b: number, h: number, t: number, qo: number, keys: number[]) => void): void {
  const st = strides(s);
  const group = s.hq / s.hkv;
  for (let b = 0; b < s.b; b++) {
    for (let h = 0; h < s.hq; h++) {
      const hk = Math.floor(h / group);
      for (let t = 0; t < s.t; t++) {
        const keys: number[] = [];
        for (let j = 0; j < s.s; j++) {
          if (s.causal && j > t + (s.s - s.t)) continue;
          if (mask && mask[b * s.s + j] === 0) continue;
          keys.push(b * st.k[0] + hk * st.k[1] + j * st.k[2]);
        }
        fn(b, h, t, b * st.q[0] + h * st.q[1] + t * st.q[2], keys);
      }
    }
  }
}

/**
 * CPU reference. out = softmax(scale * q k^T + mask) v per (batch, query head), and the log-sum-exp
 * lse [B, HQ, T] of each row's scaled scores. Rows with no allowed key: out 0, lse -Infinity.
 */
export function attentionCpu(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  mask: KeyMask | null,
  s: AttentionShape,
): { out: Float32Array; lse: Float32Array } {
  checkArrays('attention', s, mask, { q, k, v });
  const scale = scaleOf(s);
  const out = new Float32Array(q.length);
  const lse = new Float32Array(s.b * s.hq * s.t);
  forEachRow(s, mask, (b, h, t, qo, keys) => {
    const row = (b * s.hq + h) * s.t + t;
    if (keys.length === 0) {
      lse[row] = -Infinity;
      return;
    }
    const scores = keys.map((ko) => {
      let dot = 0;
      for (let d = 0; d < s.d; d++) dot += q[qo + d] * k[ko + d];
      return dot * scale;
    });
    const m = Math.max(...scores);
    const w = scores.map((x) => Math.exp(x - m));
    const l = w.reduce((a, x) => a + x, 0);
    lse[row] = m + Math.log(l);
    for (let d = 0; d < s.d; d++) {
      let o = 0;
      keys.forEach((ko, i) => (o += w[i] * v[ko + d]));
      out[qo + d] = o / l;
    }
  });
  return { out, lse };
}

/** CPU reference of the backward, from the forward's out and lse and the gradient dout. */
export function attentionBackwardCpu(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  mask: KeyMask | null,
  out: Float32Array,
  lse: Float32Array,
  dout: Float32Array,
  s: AttentionShape,
): { dq: Float32Array; dk: Float32Array; dv: Float32Array } {
  checkArrays('attention backward', s, mask, { q, k, v, out, dout, lse });
  const scale = scaleOf(s);
  const dq = new Float64Array(q.length);
  const dk = new Float64Array(k.length);
  const dv = new Float64Array(v.length);
  forEachRow(s, mask, (b, h, t, qo, keys) => {
    const row = (b * s.hq + h) * s.t + t;
    let delta = 0;
    for (let d = 0; d < s.d; d++) delta += dout[qo + d] * out[qo + d];
    for (const ko of keys) {
      let dot = 0;
      let dp = 0;
      for (let d = 0; d < s.d; d++) {
        dot += q[qo + d] * k[ko + d];
        dp += dout[qo + d] * v[ko + d];
      }
      const p = Math.exp(dot * scale - lse[row]);
      const ds = p * (dp - delta);
      for (let d = 0; d < s.d; d++) {
        dq[qo + d] += scale * ds * k[ko + d];
        dk[ko + d] += scale * ds * q[qo + d];
        dv[ko + d] += p * dout[qo + d];
      }
    }
  });
  return { dq: Float32Array.from(dq), dk: Float32Array.from(dk), dv: Float32Array.from(dv) };
}

type Pass = 'forward' | 'dq' | 'dkv';

/** Workgroup storage, in floats, of each entry point for tiles (BR, BC) and head dim D. */
function sharedFloats(pass: Pass, t: AttentionTuning, headDim: number): number {
  const { BR, BC } = t;
  // Rows of the [rows x D] tiles are padded by one float (bank conflicts), see the shaders.
  const d = headDim + 1;
  if (pass === 'forward') return 2 * BR * d + 2 * BC * d + BR * BC + 3 * BR;
  if (pass === 'dq') return 3 * BR * d + 2 * BC * d + 2 * BR * BC + 2 * BR;
  return 4 * BC * d + 2 * BR * d + 2 * BR * BC + 2 * BR;
}

// 16 x 16 at most: with 64 threads that is 4 scores per thread per tile, and larger tiles mostly
// add compile time (SwiftShader unrolls the fixed-length loops) and workgroup-memory pressure.
const TILE_CANDIDATES: AttentionTuning[] = [
  { BR: 16, BC: 16 },
  { BR: 16, BC: 8 },
  { BR: 8, BC: 8 },
  { BR: 8, BC: 4 },
  { BR: 4, BC: 4 },
  { BR: 2, BC: 2 },
  { BR: 1, BC: 1 },
];

/** The largest tiles whose workgroup arrays fit the device (bigger tiles reuse each load more). */
export function attentionTiles(ctx: GpuContext, pass: Pass, d: number): AttentionTuning {
  const limit = ctx.device.limits.maxComputeWorkgroupStorageSize;
  for (const t of TILE_CANDIDATES) if (sharedFloats(pass, t, d) * 4 <= limit) return t;
  throw new LimitTooLowError('maxComputeWorkgroupStorageSize', sharedFloats(pass, { BR: 1, BC: 1 }, d) * 4, limit);
}

/**
 * The Params struct shared by the attention shaders (attention-decode.wgsl too); `row` is the
 * delta pass's grid row width.
 */
export function attentionParams(ctx: GpuContext, s: AttentionShape, useMask: boolean, row = 0): GPUBuffer {
  const st = strides(s);
  return paramsBuffer(ctx, 'attention', [
    ['u32', s.b],
    ['u32', s.hq],
    ['u32', s.hkv],
    ['u32', s.t],
    ['u32', s.s],
    ['u32', s.causal ? 1 : 0],
    ['u32', useMask ? 1 : 0],
    ['f32', scaleOf(s)],
    ...st.q.map((x) => ['u32', x] as const),
    ...st.k.map((x) => ['u32', x] as const),
    ['u32', row],
    ['f32', -Infinity],
  ]);
}

export interface AttentionOptions extends KernelOptions {
  /** Fixed tiles instead of the largest that fit (tests use it to cover several tilings). */
  tiles?: AttentionTuning;
}

export function checkBuffers(op: string, s: AttentionShape, mask: GPUBuffer | null, buffers: Record<string, GPUBuffer>): void {
  checkShape(op, s);
  const n = sizes(s);
  for (const [name, buf] of Object.entries(buffers)) {
    if (['k', 'v', 'dk', 'dv'].includes(name)) requireBuffer(op, name, buf, n.k, kShape(s));
    else if (name === 'lse' || name === 'delta') requireBuffer(op, name, buf, n.rows, `[B=${s.b}, HQ=${s.hq}, T=${s.t}]`);
    else requireBuffer(op, name, buf, n.q, qShape(s));
  }
  if (mask) requireBuffer(op, 'mask', mask, s.b * s.s, `[B=${s.b}, S=${s.s}]`);
}

/** Records out [like q] and lse [B, HQ, T] (outputs, overwritten). mask: [B, S] or null. */
export function encodeAttention(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  q: GPUBuffer,
  k: GPUBuffer,
  v: GPUBuffer,
  mask: GPUBuffer | null,
  out: GPUBuffer,
  lse: GPUBuffer,
  s: AttentionShape,
  options: AttentionOptions = {},
): void {
  checkBuffers('attention', s, mask, { q, k, v, out, lse });
  if (s.b * s.hq * s.t === 0) return;
  const tiles = options.tiles ?? attentionTiles(ctx, 'forward', s.d);
  const pipeline = ctx.pipelines.get('attention', options.shaderCode ?? attentionWgsl, { WG: ATTENTION_WORKGROUP_SIZE, D: s.d, ...tiles });
  const params = attentionParams(ctx, s, mask !== null);
  recordPass(ctx, encoder, 'attention', pipeline, [q, k, v, mask ?? placeholderBuffer(ctx), out, lse, params], [Math.ceil(s.t / tiles.BR), s.hq, s.b]);
}

/** Floats of the `delta` scratch buffer encodeAttentionBackward needs: B * HQ * T. */
export function attentionBackwardScratch(s: AttentionShape): number {
  return s.b * s.hq * s.t;
}

/**
 * Records dq [like q], dk and dv [like k] (outputs, overwritten for the S used positions) from the
 * forward's out and lse and the gradient dout. `delta` is scratch of attentionBackwardScratch(s)
 * floats. Three passes: delta rows, dq blocks, dk/dv blocks.
 */
export function encodeAttentionBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  q: GPUBuffer,
  k: GPUBuffer,
  v: GPUBuffer,
  mask: GPUBuffer | null,
  out: GPUBuffer,
  lse: GPUBuffer,
  dout: GPUBuffer,
  delta: GPUBuffer,
  dq: GPUBuffer,
  dk: GPUBuffer,
  dv: GPUBuffer,
  s: AttentionShape,
  options: AttentionOptions = {},
): void {
  checkBuffers('attention backward', s, mask, { q, k, v, out, lse, dout, delta, dq, dk, dv });
  const code = options.shaderCode ?? attentionBackwardWgsl;
  const maskBuf = mask ?? placeholderBuffer(ctx);
  const WG = ATTENTION_WORKGROUP_SIZE;
  const rows = s.b * s.hq * s.t;
  if (rows > 0) {
    const grid = grid1d(rows, WG, ctx.report.limits.maxComputeWorkgroupsPerDimension);
    const pipeline = ctx.pipelines.get('attention-backward', code, { WG, D: s.d }, 'delta_rows');
    recordPass(ctx, encoder, 'attention backward delta', pipeline, [out, dout, delta, attentionParams(ctx, s, false, grid.row)], [grid.x, grid.y]);
    const tiles = options.tiles ?? attentionTiles(ctx, 'dq', s.d);
    const dqPipeline = ctx.pipelines.get('attention-backward', code, { WG, D: s.d, ...tiles }, 'dq_blocks');
    const params = attentionParams(ctx, s, mask !== null);
    recordPass(ctx, encoder, 'attention backward dq', dqPipeline, [q, k, v, maskBuf, dout, lse, delta, dq, params], [Math.ceil(s.t / tiles.BR), s.hq, s.b]);
  }
  if (s.b * s.hkv * s.s === 0) return;
  const tiles = options.tiles ?? attentionTiles(ctx, 'dkv', s.d);
  const pipeline = ctx.pipelines.get('attention-backward', code, { WG, D: s.d, ...tiles }, 'dkv_blocks');
  const params = attentionParams(ctx, s, mask !== null);
  recordPass(
    ctx,
    encoder,
    'attention backward dk dv',
    pipeline,
    { 0: q, 1: k, 2: v, 3: maskBuf, 4: dout, 5: lse, 6: delta, 9: dk, 10: dv, 11: params },
    [Math.ceil(s.s / tiles.BC), s.hkv, s.b],
  );
}
