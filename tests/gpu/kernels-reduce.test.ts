import { describe, expect, it } from 'vitest';
import reduceSubgroupsWgsl from '../../shaders/reduce-subgroups.wgsl?raw';
import reduceWgsl from '../../shaders/reduce.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { reduceCheck } from '../../src/tensor/checks/reduce';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('reduce on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(reduceCheck);
  });

  it('sum, mean, max and sum of squares over any axes match the CPU reference, on both variants where subgroups exist', async () => {
    const ctx = await testGpu();
    const results = await reduceCheck.run(ctx);
    expectAllOk(results, 6);
    const sub = results.filter((r) => r.case.endsWith('[subgroups]')).length;
    expect(sub).toBe(ctx.hasFeature('subgroups') ? results.length / 2 : 0);
  });

  it('catches a tree that drops half the partial sums', async () => {
    await expectCaught(await testGpu(), reduceCheck, reduceWgsl, 'for (var s = WG / 2u; s > 0u; s = s / 2u)', 'for (var s = WG / 4u; s > 0u; s = s / 2u)', /^(?!.*subgroups)/);
  });

  it.each([
    ['drops the first subgroup slot', 'for (var i = lane; i < n; i += size)', 'for (var i = lane + 1u; i < n; i += size)'],
    ['keeps only its own subgroup', 'let total = subgroup_combine(t);', 'let total = own;'],
  ])('catches a subgroups variant that %s', async (_what, from, to) => {
    const ctx = await testGpu();
    if (!ctx.hasFeature('subgroups')) return;
    const wrong = reduceSubgroupsWgsl.replace(from, to);
    expect(wrong).not.toBe(reduceSubgroupsWgsl);
    const results = await reduceCheck.run(ctx, { variantCode: { 'reduce-subgroups': wrong } });
    const failed = results.filter((r) => !r.ok).map((r) => r.case);
    expect(failed.length).toBeGreaterThan(0);
    for (const name of failed) expect(name).toMatch(/\[subgroups\]$/);
  });
});
