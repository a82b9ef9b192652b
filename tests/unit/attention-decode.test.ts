// The cpu backend's decode attention (src/tensor/cpu/attention-decode.ts: a few queries against a
// KV cache read in place) against the CPU reference: both layouts, grouped heads, capacity beyond
// the valid keys (garbage there must not leak in), key masks with a fully masked row, and the
// prefill-sized case it also accepts. Tolerance: 1e-5 of each tensor's largest magnitude.
import { describe, expect, it } from 'vitest';
import { attentionDecode } from '../../src/tensor/cpu/attention-decode';
import { attentionCpu, type AttentionShape } from '../../src/tensor/kernels/attention';
import { Rng } from '../../src/util/rng';

const CASES: Array<AttentionShape & { masked?: boolean }> = [
  { b: 3, hq: 4, hkv: 2, t: 1, s: 17, d: 8, causal: true, layout: 'BTHD', kvCapacity: 24, masked: true },
  { b: 2, hq: 4, hkv: 4, t: 1, s: 1, d: 32, causal: true, layout: 'BTHD', kvCapacity: 9 },
  { b: 1, hq: 6, hkv: 2, t: 3, s: 11, d: 5, causal: true, layout: 'BTHD', kvCapacity: 11 },
  { b: 2, hq: 2, hkv: 1, t: 2, s: 13, d: 7, causal: true, kvCapacity: 20, masked: true, scale: 0.4 },
  { b: 2, hq: 2, hkv: 2, t: 4, s: 6, d: 4, causal: false, layout: 'BTHD', kvCapacity: 8, masked: true },
  { b: 1, hq: 2, hkv: 1, t: 9, s: 9, d: 3, causal: true },
];

function inputs(s: AttentionShape & { masked?: boolean }, seed: number) {
  const rng = new Rng(seed);
  const cap = s.kvCapacity ?? s.s;
  const nk = s.b * s.hkv * cap * s.d;
  let mask: Float32Array | null = null;
  if (s.masked) {
    mask = Float32Array.from({ length: s.b * s.s }, () => (rng.next() < 0.3 ? 0 : 1));
    for (let j = 0; j < s.s; j++) mask[j] = 0; // batch 0 sees no key: out 0, lse -Infinity
  }
  return { q: rng.float32(s.b * s.hq * s.t * s.d, { normal: 1 }), k: rng.float32(nk, { normal: 1 }), v: rng.float32(nk, { normal: 1 }), mask };
}

function relErr(actual: Float32Array, expected: Float32Array): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] === -Infinity) {
      expect(actual[i]).toBe(-Infinity);
      continue;
    }
    scale = Math.max(scale, Math.abs(expected[i]));
    err = Math.max(err, Math.abs(actual[i] - expected[i]));
  }
  return err / scale;
}

describe('decode attention over a KV cache matches the reference', () => {
  CASES.forEach((s, i) => {
    it(`case ${i}: ${JSON.stringify(s)}`, () => {
      const x = inputs(s, 40 + i);
      const ref = attentionCpu(x.q, x.k, x.v, x.mask, s);
      const got = attentionDecode(x.q, x.k, x.v, x.mask, s);
      expect(got.out.length).toBe(ref.out.length);
      expect(relErr(got.out, ref.out)).toBeLessThan(1e-5);
      expect(relErr(got.lse, ref.lse)).toBeLessThan(1e-5);
      expect(got.out.some((o) => o !== 0)).toBe(true);
    });
  });

  it('never reads cache positions past S (they may hold stale keys)', () => {
    const s: AttentionShape = { b: 1, hq: 2, hkv: 1, t: 1, s: 5, d: 4, causal: true, layout: 'BTHD', kvCapacity: 8 };
    const x = inputs(s, 7);
    const before = attentionDecode(x.q, x.k, x.v, null, s).out;
    for (let j = 5; j < 8; j++) for (let d = 0; d < 4; d++) x.k[j * 4 + d] = x.v[j * 4 + d] = 1e6;
    expect(Array.from(attentionDecode(x.q, x.k, x.v, null, s).out)).toEqual(Array.from(before));
  });
});
