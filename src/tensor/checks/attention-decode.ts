// The attention-decode KernelCheck: shaders/attention-decode.wgsl against the attention CPU
// reference (attentionCpu) on seeded random inputs shaped like generation steps — one to three
// queries over a KV cache whose capacity exceeds S, key counts below, at and across the 64-key
// chunk (1, 21, 64, 70, 130), grouped heads, both layouts, u32 left padding, an f32 mask with a
// fully masked row, and scores of magnitude 1e4. Registered in ./index.ts.
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import { attentionCpu, type AttentionShape, type KeyMask } from '../kernels/attention';
import { encodeAttentionDecode } from '../kernels/attention-decode';
import type { KernelOptions } from '../kernels/kernel-support';
import { compareOutputs, maxAbs } from './compare';
import { runKernel } from './run-kernel';
import type { CheckResult, KernelCheck } from './types';

interface DecodeCase {
  name: string;
  shape: AttentionShape;
  /** q and k are uniform in [-qk, qk]; v in [-1, 1]. */
  qk: number;
  mask: 'none' | 'left-pad' | 'one-row-masked-f32';
}

// Two head dims (8, 32: the built-in model's), one pipeline each.
export const ATTENTION_DECODE_CASES: DecodeCase[] = [
  { name: 'T=S=1, D=8', shape: { b: 1, hq: 1, hkv: 1, t: 1, s: 1, d: 8, causal: true, layout: 'BTHD', kvCapacity: 5 }, qk: 1, mask: 'none' },
  { name: 'GQA 4/2, T=1 of S=70 (two chunks), capacity 80, left padding', shape: { b: 3, hq: 4, hkv: 2, t: 1, s: 70, d: 8, causal: true, layout: 'BTHD', kvCapacity: 80 }, qk: 1, mask: 'left-pad' },
  { name: 'T=3 of S=21, capacity 24, BHTD, one row fully masked', shape: { b: 2, hq: 2, hkv: 1, t: 3, s: 21, d: 8, causal: true, kvCapacity: 24 }, qk: 1, mask: 'one-row-masked-f32' },
  { name: 'T=1 of S=64 (one full chunk), D=32, 4 heads', shape: { b: 2, hq: 4, hkv: 4, t: 1, s: 64, d: 32, causal: true, layout: 'BTHD', kvCapacity: 64 }, qk: 1, mask: 'none' },
  { name: 'T=2 of S=130 (three chunks), D=32, non-causal', shape: { b: 1, hq: 2, hkv: 1, t: 2, s: 130, d: 32, causal: false, layout: 'BTHD', kvCapacity: 131 }, qk: 1, mask: 'left-pad' },
  { name: 'extreme: scores ~ 1e4', shape: { b: 1, hq: 2, hkv: 2, t: 1, s: 9, d: 8, causal: true, scale: 1, layout: 'BTHD', kvCapacity: 12 }, qk: 80, mask: 'none' },
];

function makeMask(c: DecodeCase, rng: Rng): KeyMask | null {
  const { b, s } = c.shape;
  if (c.mask === 'none') return null;
  if (c.mask === 'left-pad') {
    const m = new Uint32Array(b * s);
    for (let bi = 0; bi < b; bi++) for (let j = bi === 0 ? 0 : 1 + rng.int(s - 1); j < s; j++) m[bi * s + j] = 1;
    return m;
  }
  // Row 0 sees no key (out 0, lse -inf); row 1 a random subset.
  return Float32Array.from({ length: b * s }, (_, i) => (i < s ? 0 : rng.next() < 0.7 ? 1 : 0));
}

/** Runs `cases` with the given encoder options (a replaced shader source); exported for tests. */
export async function runAttentionDecodeCases(ctx: GpuContext, options: KernelOptions = {}, cases = ATTENTION_DECODE_CASES): Promise<CheckResult[]> {
  const rng = new Rng(4242);
  const results: CheckResult[] = [];
  for (const c of cases) {
    const s = c.shape;
    const kv = s.b * s.hkv * (s.kvCapacity ?? s.s) * s.d;
    const x = { q: rng.float32(s.b * s.hq * s.t * s.d, { uniform: [-c.qk, c.qk] }), k: rng.float32(kv, { uniform: [-c.qk, c.qk] }), v: rng.float32(kv), mask: makeMask(c, rng) };
    const cpu = attentionCpu(x.q, x.k, x.v, x.mask, s);
    const gpu = await runKernel(ctx, 'attention decode', { q: x.q, k: x.k, v: x.v, mask: x.mask ?? new Uint32Array(0) }, { out: x.q.length, lse: s.b * s.hq * s.t }, (enc, b) =>
      encodeAttentionDecode(ctx, enc, b.q, b.k, b.v, x.mask ? b.mask : null, b.out, b.lse, s, options),
    );
    // As the fused forward's check: a score's f32 error is a few ulps of its magnitude M.
    const m = 1 + (maxAbs(x.q) * maxAbs(x.k) * s.d * (s.scale ?? 1 / Math.sqrt(s.d))) / 4;
    results.push(...compareOutputs('attention-decode', c.name, { out: [gpu.out, cpu.out] }, { rtol: 1e-6, atol: 4e-7 * m, scale: maxAbs(x.v) }));
    results.push(...compareOutputs('attention-decode', c.name, { lse: [gpu.lse, cpu.lse] }, { rtol: 1e-6, atol: 4e-7 * m, scale: 1 }));
  }
  return results;
}

export const attentionDecodeCheck: KernelCheck = {
  kernel: 'attention-decode',
  run: (ctx, options = {}) => runAttentionDecodeCases(ctx, options),
};
