import { describe, expect, it } from 'vitest';
import globalNormWgsl from '../../shaders/global-norm.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { globalNormCheck } from '../../src/tensor/checks/global-norm';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('global norm on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(globalNormCheck);
  });

  it('the sum of squares and clip coefficient match the CPU reference', async () => {
    expectAllOk(await globalNormCheck.run(await testGpu()), 14);
  });

  it('catches a wrong clip and a wrong partial sum', async () => {
    const ctx = await testGpu();
    await expectCaught(ctx, globalNormCheck, globalNormWgsl, 'scale[0] = min(1.0,', 'scale[0] = max(1.0,', /: clip scale$/);
    await expectCaught(ctx, globalNormCheck, globalNormWgsl, 'i += params.groups * WG', 'i += params.groups * WG * 2u', /70000.*: sumsq$/);
  });
});
