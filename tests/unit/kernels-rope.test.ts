import { describe, expect, it } from 'vitest';
import { ropeBackwardCpu, ropeCpu, ropeInvFreq } from '../../src/tensor/kernels/rope';
import { Rng } from '../../src/util/rng';
import { dot, finiteDiff } from '../helpers/finite-diff';

describe('rope CPU reference', () => {
  it('rotates the pair (x[i], x[i + D/2]) by pos * theta^(-2i/D) (rotate-half layout)', () => {
    // D = 4: pairs (0, 2) at frequency 1 and (1, 3) at frequency theta^(-1/2) = 0.01.
    expect([...ropeInvFreq(10000, 4)]).toEqual([1, Math.fround(0.01)]);
    const x = new Float32Array([1, 1, 0, 0]);
    const out = ropeCpu(x, new Int32Array([3]), { b: 1, h: 1, t: 1, d: 4, theta: 10000 });
    expect(out[0]).toBeCloseTo(Math.cos(3), 6);
    expect(out[2]).toBeCloseTo(Math.sin(3), 6);
    expect(out[1]).toBeCloseTo(Math.cos(Math.fround(0.03)), 6);
    expect(out[3]).toBeCloseTo(Math.sin(Math.fround(0.03)), 6);
  });

  it('is the identity at position 0, preserves norms, and inverse undoes it', () => {
    const rng = new Rng(5);
    const s = { b: 2, h: 3, t: 4, d: 8, theta: 10000 };
    const x = rng.float32(2 * 3 * 4 * 8);
    expect([...ropeCpu(x, new Int32Array(4), s)]).toEqual([...x]);
    const pos = Int32Array.from([0, 5, 17, 400]);
    const y = ropeCpu(x, pos, s);
    expect(Math.sqrt(dot(y, y))).toBeCloseTo(Math.sqrt(dot(x, x)), 4);
    const back = ropeCpu(y, pos, { ...s, inverse: true });
    for (let i = 0; i < x.length; i++) expect(back[i]).toBeCloseTo(x[i], 5);
  });

  it('uses per-batch positions and the BTHD layout consistently with BHTD', () => {
    const rng = new Rng(6);
    const [b, h, t, d] = [2, 3, 5, 4];
    const x = rng.float32(b * h * t * d);
    const pos = Int32Array.from({ length: b * t }, (_, i) => (i * 7) % 11);
    const bhtd = ropeCpu(x, pos, { b, h, t, d, theta: 500, perBatchPositions: true });
    // Transpose x to [B, T, H, D], rotate there, transpose back.
    const perm = (src: Float32Array, toBthd: boolean) => {
      const o = new Float32Array(src.length);
      for (let bi = 0; bi < b; bi++)
        for (let hi = 0; hi < h; hi++)
          for (let ti = 0; ti < t; ti++)
            for (let di = 0; di < d; di++) {
              const a = ((bi * h + hi) * t + ti) * d + di;
              const c = ((bi * t + ti) * h + hi) * d + di;
              if (toBthd) o[c] = src[a];
              else o[a] = src[c];
            }
      return o;
    };
    const bthd = ropeCpu(perm(x, true), pos, { b, h, t, d, theta: 500, perBatchPositions: true, layout: 'BTHD' });
    expect([...perm(bthd, false)]).toEqual([...bhtd]);
  });

  it('backward matches finite differences (tolerance 1e-3 of max |grad|)', () => {
    const rng = new Rng(7);
    const s = { b: 2, h: 2, t: 3, d: 6, theta: 10000 };
    const x = rng.float32(72);
    const pos = Int32Array.from([2, 9, 31]);
    const r = rng.float32(72);
    const dx = ropeBackwardCpu(r, pos, s);
    const fd = finiteDiff({ x }, { x: dx }, () => dot(ropeCpu(x, pos, s), r), { samples: 72 });
    expect(fd.worst, fd.where).toBeLessThan(1e-3);
    // The forward rotation in place of its transpose is caught.
    const wrong = finiteDiff({ x }, { x: ropeCpu(r, pos, s) }, () => dot(ropeCpu(x, pos, s), r), { samples: 72 });
    expect(wrong.worst).toBeGreaterThan(1e-2);
  });

  it('names both shapes on mismatch', () => {
    expect(() => ropeCpu(new Float32Array(16), new Int32Array(3), { b: 1, h: 2, t: 2, d: 4, theta: 1e4 })).toThrow(
      /rope: positions has 3 elements but shape \[T=2\] \(x is \[B=1, H=2, T=2, D=4\]\)/,
    );
    expect(() => ropeCpu(new Float32Array(6), new Int32Array(1), { b: 1, h: 1, t: 1, d: 3, theta: 1e4 })).toThrow(/even/);
  });
});
