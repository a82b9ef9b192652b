import { describe, expect, it } from 'vitest';
import reduceWgsl from '../../shaders/reduce.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { reduceCheck } from '../../src/tensor/checks/reduce';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('reduce on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(reduceCheck);
  });

  it('sum, mean, max and sum of squares over any axes match the CPU reference', async () => {
    expectAllOk(await reduceCheck.run(await testGpu()), 6);
  });

  it('catches a tree that drops half the partial sums', async () => {
    await expectCaught(await testGpu(), reduceCheck, reduceWgsl, 'for (var s = WG / 2u; s > 0u; s = s / 2u)', 'for (var s = WG / 4u; s > 0u; s = s / 2u)', /./);
  });
});
