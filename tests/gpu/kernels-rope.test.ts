import { describe, expect, it } from 'vitest';
import ropeWgsl from '../../shaders/rope.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { encodeRope } from '../../src/tensor/kernels/rope';
import { ropeCheck } from '../../src/tensor/checks/rope';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('rope on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(ropeCheck);
  });

  it('forward and inverse match the CPU reference', async () => {
    expectAllOk(await ropeCheck.run(await testGpu()), 14);
  });

  it('catches a wrong rotation and a sloppy angle reduction', async () => {
    const ctx = await testGpu();
    await expectCaught(ctx, ropeCheck, ropeWgsl, 'x1 * sc.y - x2 * sn', 'x1 * sc.y + x2 * sn', /: out$/);
    // Without the third part of pi/2, angles of thousands of radians drift by ~1e-4.
    const failed = await expectCaught(ctx, ropeCheck, ropeWgsl, 'r = r - j * 7.54978995489188216e-8;', '', /T=4096/);
    expect(failed.some((name) => name.startsWith('B=1 H=1 T=1'))).toBe(false);
  });

  it('refuses to run in place', async () => {
    const ctx = await testGpu();
    const buf = ctx.createBuffer('x', 64, GPUBufferUsage.STORAGE);
    expect(() => encodeRope(ctx, ctx.device.createCommandEncoder(), buf, buf, buf, { b: 1, h: 1, t: 2, d: 4, theta: 1e4 })).toThrow(/must not be the input/);
    buf.destroy();
  });
});
