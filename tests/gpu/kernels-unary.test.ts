import { describe, expect, it } from 'vitest';
import unaryWgsl from '../../shaders/unary.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { unaryCheck } from '../../src/tensor/checks/unary';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('unary on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(unaryCheck);
  });

  it('every unary op and its backward (and affine) match the CPU reference', async () => {
    expectAllOk(await unaryCheck.run(await testGpu()), 6);
  });

  it('catches a wrong silu', async () => {
    await expectCaught(await testGpu(), unaryCheck, unaryWgsl, 'case 11u: { return v * sigmoid(v); }', 'case 11u: { return v * sigmoid(v) * 1.001; }', /^silu /);
  });
});
