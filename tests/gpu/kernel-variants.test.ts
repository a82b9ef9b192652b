// Kernel-variant selection on a real Dawn adapter (SwiftShader without a GPU): what it exposes,
// what acquireGpu picks, and what forcing does (src/gpu/kernel-variants.ts).
import { describe, expect, it } from 'vitest';
import { acquireGpu, describeKernelVariants, KernelVariantUnavailableError } from '../../src/gpu';
import { nodeGpu } from '../../src/gpu/node';
import { testGpu } from '../helpers/node-gpu';

describe('kernel variants on Dawn', () => {
  it('picks every variant the adapter allows: f32 where shader-f16 is absent', async () => {
    const ctx = await testGpu();
    console.log(`${ctx.report.summary}: features ${ctx.report.features.join(', ')}; kernels: ${describeKernelVariants(ctx.variants)}`);
    expect(ctx.variants.f16).toBe(ctx.hasFeature('shader-f16'));
    expect(ctx.variants.subgroups).toBe(false); // opt-in: see resolveKernelVariants
    expect(ctx.variants.vec4).toBe('auto');
    expect(ctx.variants.fusedAttention).toBe(true);
    if (!ctx.report.features.includes('shader-f16')) expect(describeKernelVariants(ctx.variants)).toContain('f32');
  });

  it('forcing shader-f16 on where the adapter lacks it is a clear error before any device is made', async () => {
    const gpu = await nodeGpu();
    const probe = await testGpu();
    if (probe.report.features.includes('shader-f16')) return; // a real GPU: nothing to refuse
    await expect(acquireGpu({ gpu, timeoutMs: 30_000, kernels: { f16: 'on' } })).rejects.toThrow(KernelVariantUnavailableError);
    await expect(acquireGpu({ gpu, timeoutMs: 30_000, kernels: { f16: 'on' } })).rejects.toThrow(/'shader-f16'.*f16=auto.*f16=off/);
  });

  it('forces variants off, and subgroups on where present', async () => {
    const gpu = await nodeGpu();
    const off = await acquireGpu({ gpu, timeoutMs: 30_000, kernels: { subgroups: 'off', vec4: 'off', attention: 'unfused' } });
    try {
      expect(off.variants).toEqual({ subgroups: false, f16: false, vec4: 'off', matvec: false, fusedAttention: false });
    } finally {
      off.destroy();
    }
    const probe = await testGpu();
    if (!probe.report.features.includes('subgroups')) return;
    const on = await acquireGpu({ gpu, timeoutMs: 30_000, kernels: { subgroups: 'on' } });
    try {
      expect(on.variants.subgroups).toBe(true);
      expect(on.hasFeature('subgroups')).toBe(true);
    } finally {
      on.destroy();
    }
  });
});
