import { describe, expect, it } from 'vitest';
import binaryWgsl from '../../shaders/binary.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { binaryCheck } from '../../src/tensor/checks/binary';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('binary on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(binaryCheck);
  });

  it('the broadcasting binary ops and axpy match the CPU reference', async () => {
    expectAllOk(await binaryCheck.run(await testGpu()), 6);
  });

  it('catches broadcast strides taken from the wrong operand', async () => {
    await expectCaught(await testGpu(), binaryCheck, binaryWgsl, 'ai += c * at(params.a_strides, u32(j));', 'ai += c * at(params.b_strides, u32(j));', /./);
  });
});
