import { describe, expect, it } from 'vitest';
import { attentionBackwardCpu, attentionCpu, type AttentionShape } from '../../src/tensor/kernels/attention';
import { Rng } from '../../src/util/rng';
import { dot, finiteDiff } from '../helpers/finite-diff';

describe('attention CPU reference', () => {
  it('averages values by softmax weights, causally', () => {
    // One head, D = 1: q = k = 0 gives uniform weights over the visible prefix.
    const s: AttentionShape = { b: 1, hq: 1, hkv: 1, t: 3, s: 3, d: 1, causal: true };
    const { out, lse } = attentionCpu(new Float32Array(3), new Float32Array(3), new Float32Array([3, 6, 9]), null, s);
    expect([...out]).toEqual([3, 4.5, 6]);
    expect(lse[2]).toBeCloseTo(Math.log(3), 6);
  });

  it('shares a KV head among its query heads and applies the key mask', () => {
    const rng = new Rng(3);
    const s: AttentionShape = { b: 1, hq: 2, hkv: 1, t: 2, s: 2, d: 2, causal: false };
    const q = rng.float32(8);
    const k = rng.float32(4);
    const v = new Float32Array([1, 2, 30, 40]);
    // Key 1 masked: every row sees only key 0, whatever q says.
    const { out } = attentionCpu(q, k, v, new Uint32Array([1, 0]), s);
    expect([...out]).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
  });

  it('gives a row with no visible key out = 0 and lse = -Infinity', () => {
    const s: AttentionShape = { b: 1, hq: 1, hkv: 1, t: 2, s: 2, d: 1, causal: true };
    const { out, lse } = attentionCpu(new Float32Array([1, 1]), new Float32Array([1, 1]), new Float32Array([5, 7]), new Float32Array([0, 1]), s);
    expect(out[0]).toBe(0);
    expect(lse[0]).toBe(-Infinity);
    expect(out[1]).toBe(7);
  });

  const cases: Array<[string, AttentionShape, boolean]> = [
    ['causal GQA 4/2 heads', { b: 2, hq: 4, hkv: 2, t: 4, s: 4, d: 3, causal: true }, false],
    ['non-causal with padding mask', { b: 2, hq: 2, hkv: 1, t: 3, s: 5, d: 4, causal: false }, true],
    ['KV cache, BTHD, capacity 6', { b: 1, hq: 2, hkv: 2, t: 2, s: 5, d: 2, causal: true, layout: 'BTHD', kvCapacity: 6 }, false],
  ];
  for (const [name, s, masked] of cases) {
    it(`backward matches finite differences: ${name} (tolerance 1e-3 of max |grad|)`, () => {
      const rng = new Rng(17);
      const cap = s.kvCapacity ?? s.s;
      const q = rng.float32(s.b * s.hq * s.t * s.d, { uniform: [-1.5, 1.5] });
      const k = rng.float32(s.b * s.hkv * cap * s.d, { uniform: [-1.5, 1.5] });
      const v = rng.float32(k.length);
      const mask = masked ? Uint32Array.from({ length: s.b * s.s }, (_, i) => (i % s.s === 0 ? 0 : 1)) : null;
      const r = rng.float32(q.length);
      const { out, lse } = attentionCpu(q, k, v, mask, s);
      const g = attentionBackwardCpu(q, k, v, mask, out, lse, r, s);
      const fd = finiteDiff({ q, k, v }, { q: g.dq, k: g.dk, v: g.dv }, () => dot(attentionCpu(q, k, v, mask, s).out, r), { samples: 40 });
      expect(fd.worst, fd.where).toBeLessThan(1e-3);
    });
  }

  it('finite differences catch a backward that ignores the key mask', () => {
    const rng = new Rng(18);
    const s: AttentionShape = { b: 1, hq: 1, hkv: 1, t: 3, s: 3, d: 2, causal: false };
    const [q, k, v, r] = [rng.float32(6), rng.float32(6), rng.float32(6), rng.float32(6)];
    const mask = new Uint32Array([1, 0, 1]);
    const { out, lse } = attentionCpu(q, k, v, mask, s);
    const g = attentionBackwardCpu(q, k, v, null, out, lse, r, s);
    const fd = finiteDiff({ q, k, v }, { q: g.dq, k: g.dk, v: g.dv }, () => dot(attentionCpu(q, k, v, mask, s).out, r));
    expect(fd.worst).toBeGreaterThan(1e-2);
  });

  it('names both shapes on mismatch', () => {
    const s: AttentionShape = { b: 1, hq: 3, hkv: 2, t: 2, s: 2, d: 4, causal: true };
    expect(() => attentionCpu(new Float32Array(24), new Float32Array(16), new Float32Array(16), null, s)).toThrow(
      /q \[B=1, HQ=3, T=2, D=4\] has 3 heads, not a multiple of k \[B=1, HKV=2, S=2, D=4\]'s 2/,
    );
    const s2: AttentionShape = { b: 1, hq: 2, hkv: 1, t: 2, s: 2, d: 4, causal: true };
    expect(() => attentionCpu(new Float32Array(16), new Float32Array(9), new Float32Array(8), null, s2)).toThrow(
      /attention: k has 9 elements but shape \[B=1, HKV=1, S=2, D=4\] \(q is \[B=1, HQ=2, T=2, D=4\]\) needs 8/,
    );
  });
});
