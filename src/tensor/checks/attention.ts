// The attention KernelCheck: the fused forward and the two-pass backward against the CPU
// reference on seeded random inputs — grouped KV heads, causal and non-causal, left padding (with
// fully masked rows), f32 and u32 masks, a KV cache (S > T, capacity > S), both layouts, a
// 4096-key row, and scores of magnitude 1e4. Registered in ./index.ts.
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import type { CheckResult, KernelCheck } from './types';
import { attentionBackwardCpu, attentionBackwardScratch, attentionCpu, encodeAttention, encodeAttentionBackward, type AttentionOptions, type AttentionShape, type KeyMask } from '../kernels/attention';
import { compareOutputs, maxAbs } from './compare';
import { runKernel } from './run-kernel';

interface AttentionCase {
  name: string;
  shape: AttentionShape;
  /** q and k are uniform in [-qk, qk]; v and dout in [-1, 1]. */
  qk: number;
  mask: 'none' | 'left-pad' | 'right-pad-f32';
}

// Head dims are limited to three values (8, 12, 64): each one is a pipeline to compile, and
// SwiftShader takes seconds per pipeline.
export const ATTENTION_CASES: AttentionCase[] = [
  { name: 'B=1 H=1 T=S=1 D=8', shape: { b: 1, hq: 1, hkv: 1, t: 1, s: 1, d: 8, causal: true }, qk: 1, mask: 'none' },
  { name: 'GQA 4/2 heads, T=5, D=8', shape: { b: 2, hq: 4, hkv: 2, t: 5, s: 5, d: 8, causal: true }, qk: 1, mask: 'none' },
  { name: 'left padding (fully masked rows), 3/1 heads, T=19', shape: { b: 2, hq: 3, hkv: 1, t: 19, s: 19, d: 8, causal: true }, qk: 1, mask: 'left-pad' },
  { name: 'non-causal, f32 right-padding mask, D=12', shape: { b: 2, hq: 2, hkv: 2, t: 13, s: 13, d: 12, causal: false }, qk: 1, mask: 'right-pad-f32' },
  { name: 'KV cache: T=3 of S=21, capacity 24', shape: { b: 1, hq: 4, hkv: 1, t: 3, s: 21, d: 8, causal: true, kvCapacity: 24 }, qk: 1, mask: 'none' },
  { name: 'BTHD layout, 6/2 heads, T=17, D=12', shape: { b: 1, hq: 6, hkv: 2, t: 17, s: 17, d: 12, causal: true, layout: 'BTHD' }, qk: 1, mask: 'left-pad' },
  { name: 'T=S=70 (many tiles), D=64', shape: { b: 1, hq: 2, hkv: 1, t: 70, s: 70, d: 64, causal: true }, qk: 1, mask: 'none' },
  { name: 'one query over 4096 keys', shape: { b: 1, hq: 2, hkv: 1, t: 1, s: 4096, d: 8, causal: true }, qk: 1, mask: 'none' },
  { name: 'extreme: scores ~ 1e4', shape: { b: 1, hq: 2, hkv: 2, t: 9, s: 9, d: 8, causal: true, scale: 1 }, qk: 80, mask: 'none' },
];

function makeMask(c: AttentionCase, rng: Rng): KeyMask | null {
  const { b, s } = c.shape;
  if (c.mask === 'none') return null;
  if (c.mask === 'left-pad') {
    const m = new Uint32Array(b * s);
    for (let bi = 0; bi < b; bi++) {
      const pad = bi === 0 ? 0 : 1 + rng.int(s - 1);
      for (let j = pad; j < s; j++) m[bi * s + j] = 1;
    }
    return m;
  }
  const m = new Float32Array(b * s);
  for (let bi = 0; bi < b; bi++) {
    const len = 1 + rng.int(s);
    for (let j = 0; j < len; j++) m[bi * s + j] = 1;
  }
  return m;
}

export interface AttentionInputs {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  dout: Float32Array;
  mask: KeyMask | null;
}

export function attentionInputs(c: AttentionCase, rng: Rng): AttentionInputs {
  const { b, hq, hkv, t, d } = c.shape;
  const cap = c.shape.kvCapacity ?? c.shape.s;
  return {
    q: rng.float32(b * hq * t * d, { uniform: [-c.qk, c.qk] }),
    k: rng.float32(b * hkv * cap * d, { uniform: [-c.qk, c.qk] }),
    v: rng.float32(b * hkv * cap * d),
    dout: rng.float32(b * hq * t * d),
    mask: makeMask(c, rng),
  };
}

export async function attentionGpu(ctx: GpuContext, x: AttentionInputs, s: AttentionShape, options: AttentionOptions = {}): Promise<{ out: Float32Array; lse: Float32Array }> {
  const inputs = { q: x.q, k: x.k, v: x.v, mask: x.mask ?? new Uint32Array(0) };
  return runKernel(ctx, 'attention', inputs, { out: x.q.length, lse: attentionBackwardScratch(s) }, (enc, b) =>
    encodeAttention(ctx, enc, b.q, b.k, b.v, x.mask ? b.mask : null, b.out, b.lse, s, options),
  );
}

export async function attentionBackwardGpu(
  ctx: GpuContext,
  x: AttentionInputs,
  out: Float32Array,
  lse: Float32Array,
  s: AttentionShape,
  options: AttentionOptions = {},
): Promise<{ dq: Float32Array; dk: Float32Array; dv: Float32Array }> {
  const inputs = { q: x.q, k: x.k, v: x.v, mask: x.mask ?? new Uint32Array(0), out, lse, dout: x.dout };
  const outputs = { dq: x.q.length, dk: x.k.length, dv: x.v.length, delta: attentionBackwardScratch(s) };
  return runKernel(ctx, 'attention backward', inputs, outputs, (enc, b) =>
    encodeAttentionBackward(ctx, enc, b.q, b.k, b.v, x.mask ? b.mask : null, b.out, b.lse, b.dout, b.delta, b.dq, b.dk, b.dv, s, options),
  );
}

/**
 * Tolerances: a score's f32 error is a few ulps of M = scale * sum_d |q_d k_d| (about
 * scale * D * max|q| * max|k| / 4 for uniform inputs); out moves by that much times |v|, lse by
 * that much. So out and lse are held to 4e-7 * (1 + M) of their scale (about 7 ulps of M),
 * gradients to 4e-6 * (1 + M) (longer sums).
 */
function scoreMagnitude(x: AttentionInputs, s: AttentionShape): number {
  return (maxAbs(x.q) * maxAbs(x.k) * s.d * (s.scale ?? 1 / Math.sqrt(s.d))) / 4;
}

/**
 * Runs `cases` with options for the forward and backward encoders (fixed tiles, replaced shader
 * source); exported so tests can cover several tilings and mutated shaders.
 */
export async function runAttentionCases(
  ctx: GpuContext,
  options: { forward?: AttentionOptions; backward?: AttentionOptions } = {},
  cases = ATTENTION_CASES,
): Promise<CheckResult[]> {
  const rng = new Rng(31337);
  const results: CheckResult[] = [];
  for (const c of cases) {
    const x = attentionInputs(c, rng);
    const s = c.shape;
    const cpu = attentionCpu(x.q, x.k, x.v, x.mask, s);
    const gpu = await attentionGpu(ctx, x, s, options.forward);
    const m = 1 + scoreMagnitude(x, s);
    // out is a convex combination of rows of v: its error scales with max|v|, not max|out|.
    results.push(...compareOutputs('attention', c.name, { out: [gpu.out, cpu.out] }, { rtol: 1e-6, atol: 4e-7 * m, scale: maxAbs(x.v) }));
    results.push(...compareOutputs('attention', c.name, { lse: [gpu.lse, cpu.lse] }, { rtol: 1e-6, atol: 4e-7 * m, scale: 1 }));
    const back = attentionBackwardCpu(x.q, x.k, x.v, x.mask, cpu.out, cpu.lse, x.dout, s);
    const gback = await attentionBackwardGpu(ctx, x, cpu.out, cpu.lse, s, options.backward);
    const tol = { rtol: 1e-5, atol: 4e-6 * m };
    results.push(...compareOutputs('attention', c.name, { dq: [gback.dq, back.dq], dk: [gback.dk, back.dk], dv: [gback.dv, back.dv] }, tol));
  }
  return results;
}

export const attentionCheck: KernelCheck = {
  kernel: 'attention',
  // A replaced shader source is the forward's (shaders/attention.wgsl).
  run: (ctx, options = {}) => runAttentionCases(ctx, { forward: options }),
};
