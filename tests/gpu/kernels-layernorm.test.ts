import { describe, expect, it } from 'vitest';
import layernormWgsl from '../../shaders/layernorm.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { layernormCheck } from '../../src/tensor/checks/layernorm';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('layernorm on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(layernormCheck);
  });

  it('forward and backward match the CPU reference', async () => {
    expectAllOk(await layernormCheck.run(await testGpu()), 40);
  });

  it('catches wrong forward and backward kernels', async () => {
    const ctx = await testGpu();
    await expectCaught(ctx, layernormCheck, layernormWgsl, '* weight[i] + bias[i]', '* weight[i] - bias[i]', /: y$/);
    await expectCaught(ctx, layernormCheck, layernormWgsl, '- mg - xh * mgx', '- xh * mgx', /: dx$/);
    await expectCaught(ctx, layernormCheck, layernormWgsl, 'ab += dy[i];', 'ab += dy[i] * 2.0;', /: dbias$/);
  });
});
