import { describe, expect, it } from 'vitest';
import softmaxSubgroupsWgsl from '../../shaders/softmax-subgroups.wgsl?raw';
import softmaxWgsl from '../../shaders/softmax.wgsl?raw';
import { acquireGpu, KernelVariantUnavailableError } from '../../src/gpu';
import { nodeGpu } from '../../src/gpu/node';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { runKernel } from '../../src/tensor/checks/run-kernel';
import { softmaxCheck } from '../../src/tensor/checks/softmax';
import { encodeSoftmax } from '../../src/tensor/kernels/softmax';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('softmax on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(softmaxCheck);
  });

  it('softmax and log-softmax with their backward match the CPU reference, on both variants where subgroups exist', async () => {
    const ctx = await testGpu();
    const results = await softmaxCheck.run(ctx);
    expectAllOk(results, 20);
    // SwiftShader through Dawn exposes `subgroups` (4 invocations per subgroup): the variant runs here.
    console.log(`softmax: subgroups ${ctx.hasFeature('subgroups') ? 'present' : 'absent'} on ${ctx.report.summary}`);
    expect(results.filter((r) => r.case.endsWith('[subgroups]')).length).toBe(ctx.hasFeature('subgroups') ? 20 : 0);
  });

  it('catches a log-softmax that forgets the log-sum-exp', async () => {
    await expectCaught(await testGpu(), softmaxCheck, softmaxWgsl, 'y[base + c] = x[base + c] - lse;', 'y[base + c] = x[base + c] - m;', /^log-softmax (?!.*subgroups)/);
  });

  it.each([
    ['a cross-subgroup max that skips slots', 'for (var i = lane; i < n; i += size) {\n    t = max(', 'for (var i = lane + 1u; i < n; i += size) {\n    t = max('],
    ['a sum that keeps only its own subgroup', 'return subgroupAdd(t);', 'return s;'],
  ])('catches %s in the subgroups variant', async (_what, from, to) => {
    const ctx = await testGpu();
    if (!ctx.hasFeature('subgroups')) return;
    const wrong = softmaxSubgroupsWgsl.replace(from, to);
    expect(wrong).not.toBe(softmaxSubgroupsWgsl);
    const results = await softmaxCheck.run(ctx, { variantCode: { 'softmax-subgroups': wrong } });
    const failed = results.filter((r) => !r.ok).map((r) => r.case);
    expect(failed.length).toBeGreaterThan(0);
    for (const name of failed) expect(name).toMatch(/\[subgroups\]$/);
  });

  it('on a device without subgroups the plain variant runs, and forcing subgroups is a clear error', async () => {
    const ctx = await acquireGpu({ gpu: await nodeGpu(), timeoutMs: 30_000, optionalFeatures: [] });
    try {
      expect(ctx.hasFeature('subgroups')).toBe(false);
      expect(ctx.variants.subgroups).toBe(false);
      const results = await softmaxCheck.run(ctx);
      expectAllOk(results, 20);
      expect(results.some((r) => r.case.includes('subgroups'))).toBe(false);
      const x = new Float32Array([1, 2, 3, 4]);
      const run = (subgroups?: boolean) =>
        runKernel(ctx, 'softmax', { x }, { out: 4 }, (e, b) => encodeSoftmax(ctx, e, b.x, b.out, { rows: 1, cols: 4, log: false }, { subgroups }));
      const y = (await run()).out;
      expect(y.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
      await expect(run(true)).rejects.toThrow(KernelVariantUnavailableError);
      await expect(run(true)).rejects.toThrow(/'subgroups' kernel variant was forced on.*subgroups=off/);
    } finally {
      ctx.destroy();
    }
  });
});
