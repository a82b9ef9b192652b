import { describe, expect, it } from 'vitest';
import { saxpyCpu } from '../../src/tensor/kernels/saxpy';

describe('saxpy CPU reference', () => {
  it('computes a * x + y in f32', () => {
    const out = saxpyCpu(2, new Float32Array([1, 2, 3]), new Float32Array([10, 20, 30]));
    expect([...out]).toEqual([12, 24, 36]);
  });
  it('rounds like f32, not f64', () => {
    const out = saxpyCpu(0.1, new Float32Array([3]), new Float32Array([0]));
    expect(out[0]).toBe(Math.fround(Math.fround(0.1) * 3));
  });
  it('names both shapes on mismatch', () => {
    expect(() => saxpyCpu(1, new Float32Array(2), new Float32Array(5))).toThrow('saxpy: x has shape [2] but y has shape [5]');
  });
});
