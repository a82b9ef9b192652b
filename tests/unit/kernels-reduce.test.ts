import { describe, expect, it } from 'vitest';
import { reduceCpu } from '../../src/tensor/kernels/reduce';
import { Rng } from '../../src/util/rng';

describe('reduce CPU reference', () => {
  it('matches explicit loops over random [3, 4, 5] inputs, for every op and axis set', () => {
    const rng = new Rng(9);
    const x = rng.float32(60, { uniform: [-2, 2] });
    const at = (i: number, j: number, k: number) => x[(i * 4 + j) * 5 + k];
    const sum = reduceCpu('sum', x, [3, 4, 5], [0, 2], false);
    expect(sum.shape).toEqual([4]);
    const max = reduceCpu('max', x, [3, 4, 5], [1], true);
    expect(max.shape).toEqual([3, 1, 5]);
    const sumsq = reduceCpu('sumsq', x, [3, 4, 5], [0, 1, 2], false).out[0];
    const mean = reduceCpu('mean', x, [3, 4, 5], [-1], false);
    let all = 0;
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let i = 0; i < 3; i++) for (let k = 0; k < 5; k++) s += at(i, j, k);
      expect(sum.out[j]).toBeCloseTo(s, 5);
    }
    for (let i = 0; i < 3; i++)
      for (let k = 0; k < 5; k++) {
        let m = -Infinity;
        for (let j = 0; j < 4; j++) m = Math.max(m, at(i, j, k));
        expect(max.out[i * 5 + k]).toBe(m);
      }
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let k = 0; k < 5; k++) s += at(i, j, k);
        expect(mean.out[i * 4 + j]).toBeCloseTo(s / 5, 6);
      }
    for (const v of x) all += v * v;
    expect(sumsq).toBeCloseTo(all, 4);
  });

  it('gives 0, NaN (mean) and -Infinity (max) over no elements, propagates NaN in max, names bad axes', () => {
    expect([...reduceCpu('sum', new Float32Array(0), [2, 0], [1], false).out]).toEqual([0, 0]);
    expect(Number.isNaN(reduceCpu('mean', new Float32Array(0), [1, 0], [1], false).out[0])).toBe(true);
    expect(reduceCpu('max', new Float32Array(0), [1, 0], [1], false).out[0]).toBe(-Infinity);
    expect(Number.isNaN(reduceCpu('max', Float32Array.of(1, NaN, 3), [3], [0], false).out[0])).toBe(true);
    expect(() => reduceCpu('sum', new Float32Array(6), [2, 3], [2], false)).toThrow(/axis 2 out of range for rank 2/);
  });
});
