// The unfused attention composition (src/tensor/ops/attention-unfused.ts) on the cpu backend:
// forward and backward against the fused kernel's CPU references (attentionCpu,
// attentionBackwardCpu) on random inputs, and its gradients against finite differences.
import { beforeAll, describe, expect, it } from 'vitest';
import * as ag from '../../src/autograd';
import { gradcheck, type GradcheckInput } from '../../src/autograd';
import { initCpuBackend, type AttentionOptions, type Backend } from '../../src/tensor';
import { attentionBackwardCpu, attentionCpu, type AttentionShape } from '../../src/tensor/kernels/attention';
import * as ops from '../../src/tensor/ops';
import { Rng } from '../../src/util/rng';

let be: Backend;
beforeAll(async () => {
  be = await initCpuBackend();
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i] === b[i] ? 0 : Math.abs(a[i] - b[i]));
  return m;
}

const CASES: Array<[string, AttentionShape, 'none' | 'pad' | 'empty-row']> = [
  ['causal, grouped heads 4/2, BHTD', { b: 2, hq: 4, hkv: 2, t: 5, s: 5, d: 3, causal: true }, 'none'],
  ['non-causal, key padding, BTHD', { b: 2, hq: 2, hkv: 1, t: 3, s: 6, d: 4, causal: false, layout: 'BTHD' }, 'pad'],
  ['causal over a longer key range (S > T), a row with no visible key', { b: 1, hq: 2, hkv: 2, t: 3, s: 4, d: 2, causal: true, scale: 0.6 }, 'empty-row'],
];

describe('unfused attention on the cpu backend', () => {
  for (const [name, s, maskKind] of CASES) {
    it(`forward and backward match the CPU references: ${name}`, async () => {
      const rng = new Rng(23);
      const q = rng.float32(s.b * s.hq * s.t * s.d, { uniform: [-2, 2] });
      const k = rng.float32(s.b * s.hkv * s.s * s.d, { uniform: [-2, 2] });
      const v = rng.float32(k.length);
      const dout = rng.float32(q.length);
      // 'empty-row': keys 0 and 1 masked, so causal query 0 (which sees keys 0..1) sees none.
      const mask =
        maskKind === 'none' ? null : Int32Array.from({ length: s.b * s.s }, (_, i) => (maskKind === 'pad' ? (i % s.s === s.s - 1 ? 0 : 2) : i % s.s < 2 ? 0 : 1));
      const ref = attentionCpu(q, k, v, mask, s);
      const refGrad = attentionBackwardCpu(q, k, v, mask, ref.out, ref.lse, dout, s);
      const bthd = s.layout === 'BTHD';
      const qs = bthd ? [s.b, s.t, s.hq, s.d] : [s.b, s.hq, s.t, s.d];
      const ks = bthd ? [s.b, s.s, s.hkv, s.d] : [s.b, s.hkv, s.s, s.d];
      const o: AttentionOptions = { causal: s.causal, layout: s.layout, scale: s.scale, keyMask: mask ? be.fromData(mask, [s.b, s.s]) : null, impl: 'unfused' };
      const [tq, tk, tv, td] = [be.fromData(q, qs), be.fromData(k, ks), be.fromData(v, ks), be.fromData(dout, qs)];
      const f = ops.attention(be, tq, tk, tv, o);
      const out = (await f.out.data()) as Float32Array;
      const lse = (await f.lse.data()) as Float32Array;
      expect(maxDiff(out, ref.out)).toBeLessThan(2e-6);
      for (let i = 0; i < lse.length; i++) {
        if (ref.lse[i] === -Infinity) expect(lse[i]).toBe(-Infinity);
        else expect(Math.abs(lse[i] - ref.lse[i])).toBeLessThan(2e-6);
      }
      if (maskKind === 'empty-row') expect([...ref.lse].filter((x) => x === -Infinity).length).toBe(s.b * s.hq);
      const g = ops.attentionBackward(be, tq, tk, tv, f.out, f.lse, td, o);
      expect(maxDiff((await g.dq.data()) as Float32Array, refGrad.dq)).toBeLessThan(1e-5);
      expect(maxDiff((await g.dk.data()) as Float32Array, refGrad.dk)).toBeLessThan(1e-5);
      expect(maxDiff((await g.dv.data()) as Float32Array, refGrad.dv)).toBeLessThan(1e-5);
    });
  }

  it('passes finite differences through autograd (causal GQA with padding, BTHD)', async () => {
    const rng = new Rng(5);
    const f32 = (shape: number[]): GradcheckInput => ({ data: rng.float32(shape.reduce((a, b) => a * b, 1), { uniform: [-1, 1] }), shape });
    const mask = be.fromData(Int32Array.of(1, 1, 1, 0, 0, 1, 1, 1), [2, 4]);
    const r = await gradcheck(be, (q, k, v) => ag.attention(q, k, v, { causal: true, layout: 'BTHD', keyMask: mask, impl: 'unfused' }), [f32([2, 4, 4, 3]), f32([2, 4, 2, 3]), f32([2, 4, 2, 3])]);
    expect(r.ok, r.messages.join('\n')).toBe(true);
  });

  it('is not what the cpu backend runs unless asked', () => {
    expect(ops.usesUnfusedAttention(be, { causal: true })).toBe(false);
    expect(ops.usesUnfusedAttention(be, { causal: true, impl: 'unfused' })).toBe(true);
  });
});
