import { describe, expect, it } from 'vitest';
import { layernormBackwardCpu, layernormCpu } from '../../src/tensor/kernels/layernorm';
import { Rng } from '../../src/util/rng';
import { dot, finiteDiff } from '../helpers/finite-diff';

describe('layernorm CPU reference', () => {
  it('centres and scales each row (biased variance)', () => {
    const { y, mean, rstd } = layernormCpu(new Float32Array([1, 3]), new Float32Array([2, 1]), new Float32Array([0, 10]), { n: 1, c: 2, eps: 0 });
    expect(mean[0]).toBe(2);
    expect(rstd[0]).toBe(1);
    expect([...y]).toEqual([-2, 11]);
  });

  it('backward matches finite differences (tolerance 1e-3 of max |grad|)', () => {
    const rng = new Rng(21);
    for (const [n, c] of [[3, 5], [2, 33]]) {
      const s = { n, c, eps: 1e-5 };
      const x = rng.float32(n * c, { uniform: [-2, 2] });
      const weight = rng.float32(c, { uniform: [0.5, 1.5] });
      const bias = rng.float32(c);
      const r = rng.float32(n * c);
      const { mean, rstd } = layernormCpu(x, weight, bias, s);
      const g = layernormBackwardCpu(x, weight, mean, rstd, r, s);
      const fd = finiteDiff({ x, weight, bias }, { x: g.dx, weight: g.dweight, bias: g.dbias }, () => dot(layernormCpu(x, weight, bias, s).y, r));
      expect(fd.worst, fd.where).toBeLessThan(1e-3);
    }
  });

  it('finite differences catch a wrong backward', () => {
    const rng = new Rng(22);
    const s = { n: 2, c: 8, eps: 1e-5 };
    const x = rng.float32(16);
    const weight = rng.float32(8);
    const bias = rng.float32(8);
    const r = rng.float32(16);
    const { mean, rstd } = layernormCpu(x, weight, bias, s);
    const g = layernormBackwardCpu(x, weight, mean, rstd, r, s);
    g.dbias[2] += 0.05;
    const fd = finiteDiff({ x, weight, bias }, { x: g.dx, weight: g.dweight, bias: g.dbias }, () => dot(layernormCpu(x, weight, bias, s).y, r));
    expect(fd.worst).toBeGreaterThan(1e-3);
  });

  it('names both shapes on mismatch', () => {
    expect(() => layernormCpu(new Float32Array(6), new Float32Array(2), new Float32Array(3), { n: 3, c: 2, eps: 0 })).toThrow(
      /layernorm: bias has 3 elements but shape \[C=2\] \(x is \[N=3, C=2\]\)/,
    );
  });
});
