// The cpu backend's attention (src/tensor/cpu/attention-fast.ts, dense products on the fast
// matmul) against the CPU reference it replaces for speed, forward and backward, on both layouts,
// grouped heads, KV-cache offsets, capacity padding, key masks and a fully masked row; sizes
// above and below the matmul's WebAssembly threshold. Tolerance: 1e-5 of each tensor's largest
// magnitude (float32 sums against the reference's double ones).
import { describe, expect, it } from 'vitest';
import { attentionBackwardFast, attentionFast } from '../../src/tensor/cpu/attention-fast';
import { attentionBackwardCpu, attentionCpu, type AttentionShape } from '../../src/tensor/kernels/attention';
import { Rng } from '../../src/util/rng';

const CASES: Array<AttentionShape & { masked?: boolean }> = [
  { b: 2, hq: 4, hkv: 2, t: 7, s: 7, d: 8, causal: true },
  { b: 2, hq: 4, hkv: 2, t: 7, s: 7, d: 8, causal: true, layout: 'BTHD' },
  { b: 1, hq: 3, hkv: 1, t: 3, s: 9, d: 5, causal: true, layout: 'BTHD', kvCapacity: 12 },
  { b: 2, hq: 2, hkv: 2, t: 5, s: 6, d: 4, causal: false, masked: true },
  { b: 3, hq: 2, hkv: 1, t: 4, s: 6, d: 6, causal: true, layout: 'BTHD', masked: true, scale: 0.3 },
  { b: 2, hq: 4, hkv: 2, t: 37, s: 37, d: 16, causal: true, layout: 'BTHD' },
  { b: 1, hq: 2, hkv: 1, t: 150, s: 170, d: 8, causal: true },
  { b: 2, hq: 2, hkv: 2, t: 70, s: 70, d: 8, causal: false, masked: true },
  { b: 1, hq: 2, hkv: 1, t: 1, s: 40, d: 16, causal: true, layout: 'BTHD', kvCapacity: 48 },
];

function close(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] === -Infinity) {
      expect(actual[i], `${what}[${i}]`).toBe(-Infinity);
      continue;
    }
    scale = Math.max(scale, Math.abs(expected[i]));
    err = Math.max(err, Math.abs(actual[i] - expected[i]));
  }
  expect(err / scale, what).toBeLessThan(1e-5);
}

function inputs(s: AttentionShape & { masked?: boolean }, seed: number) {
  const rng = new Rng(seed);
  const cap = s.kvCapacity ?? s.s;
  const nq = s.b * s.hq * s.t * s.d;
  const nk = s.b * s.hkv * cap * s.d;
  let mask: Float32Array | null = null;
  if (s.masked) {
    mask = Float32Array.from({ length: s.b * s.s }, () => (rng.next() < 0.3 ? 0 : 1));
    // Row 0 of batch 0 sees no key at all: out 0, lse -Infinity on both paths.
    for (let j = 0; j < s.s; j++) mask[j] = 0;
  }
  return { q: rng.float32(nq, { normal: 1 }), k: rng.float32(nk, { normal: 1 }), v: rng.float32(nk, { normal: 1 }), dout: rng.float32(nq, { normal: 1 }), mask };
}

describe('fast cpu attention matches the reference', () => {
  CASES.forEach((s, i) => {
    it(`case ${i}: ${JSON.stringify(s)}`, () => {
      const x = inputs(s, 10 + i);
      const ref = attentionCpu(x.q, x.k, x.v, x.mask, s);
      const fast = attentionFast(x.q, x.k, x.v, x.mask, s);
      close(fast.out, ref.out, 'out');
      close(fast.lse, ref.lse, 'lse');
      const gRef = attentionBackwardCpu(x.q, x.k, x.v, x.mask, ref.out, ref.lse, x.dout, s);
      const gFast = attentionBackwardFast(x.q, x.k, x.v, x.mask, ref.out, ref.lse, x.dout, s);
      close(gFast.dq, gRef.dq, 'dq');
      close(gFast.dk, gRef.dk, 'dk');
      close(gFast.dv, gRef.dv, 'dv');
      expect(fast.out.some((o) => o !== 0)).toBe(true);
    });
  });
});
