import { describe, expect, it } from 'vitest';
import { clipScaleCpu, sumOfSquaresCpu } from '../../src/tensor/kernels/global-norm';

describe('global-norm CPU references', () => {
  it('sums squares over several tensors and gives the clip coefficient of clip_grad_norm_', () => {
    expect(sumOfSquaresCpu([new Float32Array([3]), new Float32Array([4, 0])])).toBe(25);
    expect(sumOfSquaresCpu([])).toBe(0);
    expect(clipScaleCpu(25, 1)).toBeCloseTo(1 / (5 + 1e-6), 7);
    expect(clipScaleCpu(25, 10)).toBe(1);
  });
});
