import { describe, expect, it } from 'vitest';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { TRANSFORMER_CHECKS } from '../../src/tensor/kernels/checks-transformer';

describe('transformer kernel checks', () => {
  it('are all registered in KERNEL_CHECKS under distinct names', () => {
    for (const check of TRANSFORMER_CHECKS) expect(KERNEL_CHECKS).toContain(check);
    const names = TRANSFORMER_CHECKS.map((c) => c.kernel);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['rmsnorm', 'layernorm', 'rope', 'attention', 'embedding', 'cross-entropy', 'global-norm', 'adamw']);
  });
});
