import { describe, expect, it } from 'vitest';
import rmsnormWgsl from '../../shaders/rmsnorm.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { encodeRmsnorm } from '../../src/tensor/kernels/rmsnorm';
import { rmsnormCheck } from '../../src/tensor/checks/rmsnorm';
import { testGpu } from '../helpers/node-gpu';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';

describe('rmsnorm on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(rmsnormCheck);
  });

  it('forward and backward match the CPU reference', async () => {
    expectAllOk(await rmsnormCheck.run(await testGpu()), 30);
  });

  it('catches a wrong forward and a wrong backward', async () => {
    const ctx = await testGpu();
    await expectCaught(ctx, rmsnormCheck, rmsnormWgsl, '/ f32(pf.c) + pf.eps', '/ f32(pf.c - 1u) + pf.eps', /: (y|rstd)$/);
    await expectCaught(ctx, rmsnormCheck, rmsnormWgsl, '(x[base + i] * r) * m', '(x[base + i]) * m', /: dx$/);
    await expectCaught(ctx, rmsnormCheck, rmsnormWgsl, 'row += RW', 'row += 2u * RW', /: dweight$/);
  });

  it('rejects a buffer too small for the shape, naming it', async () => {
    const ctx = await testGpu();
    const small = ctx.createBuffer('small', 16, GPUBufferUsage.STORAGE);
    const enc = ctx.device.createCommandEncoder();
    expect(() => encodeRmsnorm(ctx, enc, small, small, small, small, { n: 2, c: 3, eps: 0 })).toThrow(
      /rmsnorm: x buffer holds 4 elements but shape \[N=2, C=3\] needs 6/,
    );
    small.destroy();
  });
});
