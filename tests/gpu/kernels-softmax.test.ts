import { describe, expect, it } from 'vitest';
import softmaxWgsl from '../../shaders/softmax.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { softmaxCheck } from '../../src/tensor/checks/softmax';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('softmax on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(softmaxCheck);
  });

  it('softmax and log-softmax with their backward match the CPU reference', async () => {
    expectAllOk(await softmaxCheck.run(await testGpu()), 6);
  });

  it('catches a log-softmax that forgets the log-sum-exp', async () => {
    await expectCaught(await testGpu(), softmaxCheck, softmaxWgsl, 'y[base + c] = x[base + c] - lse;', 'y[base + c] = x[base + c] - m;', /^log-softmax /);
  });
});
