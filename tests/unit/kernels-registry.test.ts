import { describe, expect, it } from 'vitest';
import { KERNEL_CHECKS } from '../../src/tensor/checks';

describe('kernel checks', () => {
  it('register every kernel once, in the self-test order', () => {
    const names = KERNEL_CHECKS.map((c) => c.kernel);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'saxpy',
      'matmul',
      'unary',
      'binary',
      'strided-copy',
      'reduce',
      'softmax',
      'rmsnorm',
      'layernorm',
      'rope',
      'attention',
      'attention-decode',
      'embedding',
      'cross-entropy',
      'global-norm',
      'adamw',
    ]);
  });
});
