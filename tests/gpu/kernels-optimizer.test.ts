import { describe, expect, it } from 'vitest';
import adamwWgsl from '../../shaders/adamw.wgsl?raw';
import globalNormWgsl from '../../shaders/global-norm.wgsl?raw';
import { TRANSFORMER_CHECKS } from '../../src/tensor/kernels/checks-transformer';
import { adamwCheck, globalNormCheck } from '../../src/tensor/kernels/optimizer-check';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('AdamW and global norm on Dawn', () => {
  it('are registered with the kernel checks', () => {
    expect(TRANSFORMER_CHECKS).toContain(adamwCheck);
    expect(TRANSFORMER_CHECKS).toContain(globalNormCheck);
  });

  it('AdamW steps (chained, clipped on the device) match the CPU reference', async () => {
    expectAllOk(await adamwCheck.run(await testGpu()), 18);
  });

  it('the sum of squares and clip coefficient match the CPU reference', async () => {
    expectAllOk(await globalNormCheck.run(await testGpu()), 14);
  });

  it('catches a missing bias correction, missing weight decay, and a wrong clip or partial sum', async () => {
    const ctx = await testGpu();
    await expectCaught(ctx, adamwCheck, adamwWgsl, 'sqrt(vi) / params.bc2_sqrt', 'sqrt(vi)', /: param$/);
    const failed = await expectCaught(ctx, adamwCheck, adamwWgsl, 'param[i] * params.decay', 'param[i]', /ten steps.*: param$/);
    expect(failed.some((n) => n.startsWith('n=257, one step, no decay'))).toBe(false);
    await expectCaught(ctx, globalNormCheck, globalNormWgsl, 'scale[0] = min(1.0,', 'scale[0] = max(1.0,', /: clip scale$/);
    await expectCaught(ctx, globalNormCheck, globalNormWgsl, 'i += params.groups * WG', 'i += params.groups * WG * 2u', /70000.*: sumsq$/);
  });
});
