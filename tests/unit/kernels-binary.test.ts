import { describe, expect, it } from 'vitest';
import { axpyCpu, binaryCpu } from '../../src/tensor/kernels/binary';
import { Rng } from '../../src/util/rng';

describe('binary CPU reference', () => {
  it('broadcasts numpy-style on random inputs (checked against explicit indexing)', () => {
    const rng = new Rng(8);
    const a = rng.float32(2 * 1 * 5);
    const b = rng.float32(3 * 1);
    const { out, shape } = binaryCpu('sub', a, [2, 1, 5], b, [3, 1]);
    expect(shape).toEqual([2, 3, 5]);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) for (let k = 0; k < 5; k++) expect(out[(i * 3 + j) * 5 + k]).toBe(Math.fround(a[i * 5 + k] - b[j]));
    const same = binaryCpu('maximum', a, [10], a.map((v) => -v), [10]);
    expect([...same.out]).toEqual([...a].map(Math.abs));
  });

  it('accumulates axpy in f32 arithmetic, in place, and names both shapes on mismatch', () => {
    const acc = Float32Array.of(1, 2);
    axpyCpu(acc, Float32Array.of(0.1, 3), 0.3);
    expect(acc[0]).toBe(Math.fround(1 + Math.fround(Math.fround(0.1) * Math.fround(0.3))));
    expect(acc[1]).toBe(Math.fround(2 + Math.fround(3 * Math.fround(0.3))));
    expect(() => axpyCpu(acc, new Float32Array(3), 1)).toThrow('axpy: acc has [2] elements but x has [3]');
    expect(() => binaryCpu('add', new Float32Array(6), [2, 3], new Float32Array(2), [2])).toThrow(/add: shapes \[2, 3\] and \[2\] cannot be broadcast/);
  });
});
