import { describe, expect, it } from 'vitest';
import adamwWgsl from '../../shaders/adamw.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { adamwCheck } from '../../src/tensor/checks/adamw';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('AdamW on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(adamwCheck);
  });

  it('steps (chained, clipped on the device) match the CPU reference', async () => {
    expectAllOk(await adamwCheck.run(await testGpu()), 18);
  });

  it('catches a missing bias correction and a missing weight decay', async () => {
    const ctx = await testGpu();
    await expectCaught(ctx, adamwCheck, adamwWgsl, 'sqrt(vi) / params.bc2_sqrt', 'sqrt(vi)', /: param$/);
    const failed = await expectCaught(ctx, adamwCheck, adamwWgsl, 'param[i] * params.decay', 'param[i]', /ten steps.*: param$/);
    expect(failed.some((n) => n.startsWith('n=257, one step, no decay'))).toBe(false);
  });
});
