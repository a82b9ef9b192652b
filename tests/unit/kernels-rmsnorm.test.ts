import { describe, expect, it } from 'vitest';
import { rmsnormBackwardCpu, rmsnormCpu } from '../../src/tensor/kernels/rmsnorm';
import { Rng } from '../../src/util/rng';
import { dot, finiteDiff } from '../helpers/finite-diff';

describe('rmsnorm CPU reference', () => {
  it('normalises each row to unit RMS and scales by weight', () => {
    const x = new Float32Array([3, 4, 0, 0, 1, 1]);
    const { y, rstd } = rmsnormCpu(x, new Float32Array([1, 2]), { n: 3, c: 2, eps: 0 });
    // Row [3, 4]: mean square 12.5, rms = sqrt(12.5).
    expect(rstd[0]).toBeCloseTo(1 / Math.sqrt(12.5), 6);
    expect(y[0]).toBeCloseTo(3 / Math.sqrt(12.5), 6);
    expect(y[1]).toBeCloseTo((2 * 4) / Math.sqrt(12.5), 6);
    // A zero row with eps = 0 is inf * 0 = NaN, as in PyTorch; with eps > 0 it stays zero.
    expect(Number.isNaN(y[2])).toBe(true);
    expect(rmsnormCpu(x, new Float32Array([1, 2]), { n: 3, c: 2, eps: 1e-6 }).y[2]).toBe(0);
    expect(y[4]).toBeCloseTo(1, 6);
  });

  it('backward matches finite differences (tolerance 1e-3 of max |grad|)', () => {
    const rng = new Rng(11);
    for (const [n, c] of [[3, 5], [2, 33]]) {
      const s = { n, c, eps: 1e-5 };
      const x = rng.float32(n * c, { uniform: [-2, 2] });
      const weight = rng.float32(c, { uniform: [0.5, 1.5] });
      const r = rng.float32(n * c);
      const { rstd } = rmsnormCpu(x, weight, s);
      const { dx, dweight } = rmsnormBackwardCpu(x, weight, rstd, r, s);
      const fd = finiteDiff({ x, weight }, { x: dx, weight: dweight }, () => dot(rmsnormCpu(x, weight, s).y, r), { h: 1e-2 });
      expect(fd.worst, fd.where).toBeLessThan(1e-3);
      expect(fd.checked).toBeGreaterThan(10);
    }
  });

  it('finite differences catch a wrong backward', () => {
    const rng = new Rng(12);
    const s = { n: 2, c: 8, eps: 1e-5 };
    const x = rng.float32(16);
    const weight = rng.float32(8);
    const r = rng.float32(16);
    const { rstd } = rmsnormCpu(x, weight, s);
    const { dx, dweight } = rmsnormBackwardCpu(x, weight, rstd, r, s);
    dx[3] *= 1.05;
    const fd = finiteDiff({ x, weight }, { x: dx, weight: dweight }, () => dot(rmsnormCpu(x, weight, s).y, r));
    expect(fd.worst).toBeGreaterThan(1e-3);
  });

  it('names both shapes on mismatch', () => {
    expect(() => rmsnormCpu(new Float32Array(6), new Float32Array(3), { n: 3, c: 2, eps: 0 })).toThrow(
      /rmsnorm: weight has 3 elements but shape \[C=2\] \(x is \[N=3, C=2\]\)/,
    );
    expect(() => rmsnormCpu(new Float32Array(5), new Float32Array(2), { n: 3, c: 2, eps: 0 })).toThrow(/x has 5 elements but shape \[N=3, C=2\]/);
  });
});
