import { describe, expect, it } from 'vitest';
import attentionBackwardWgsl from '../../shaders/attention-backward.wgsl?raw';
import attentionWgsl from '../../shaders/attention.wgsl?raw';
import { encodeAttention } from '../../src/tensor/kernels/attention';
import { ATTENTION_CASES, attentionCheck, runAttentionCases } from '../../src/tensor/checks/attention';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { expectAllOk } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

// Pipelines are compiled per head dim; the D = 8 cases alone keep the repeated runs below quick.
const D8 = ATTENTION_CASES.filter((c) => c.shape.d === 8);

function failedOf(results: Awaited<ReturnType<typeof runAttentionCases>>): string[] {
  return results.filter((r) => !r.ok).map((r) => r.case);
}

describe('attention on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(attentionCheck);
  });

  it('forward and backward match the CPU reference (device-chosen tiles)', async () => {
    expectAllOk(await attentionCheck.run(await testGpu()), 45);
    // Budget ≥ 20× its cost on SwiftShader on an idle 2-core machine (8.8 s; 21.9 s with the cores shared).
  }, 240_000);

  it('matches with odd tiles (3 query rows x 5 keys) too', async () => {
    expectAllOk(await runAttentionCases(await testGpu(), { forward: { tiles: { BR: 3, BC: 5 } }, backward: { tiles: { BR: 3, BC: 5 } } }, D8), 30);
  });

  it('catches an off-by-one causal mask, a wrong dq scale and a wrong dv', async () => {
    const ctx = await testGpu();
    const causal = attentionWgsl.replace('j + params.t > t + params.s', 'j + params.t > t + params.s + 1u');
    expect(causal).not.toBe(attentionWgsl);
    expect(failedOf(await runAttentionCases(ctx, { forward: { shaderCode: causal } }, D8)).some((n) => n.endsWith(': out'))).toBe(true);

    const dq = attentionBackwardWgsl.replace('dqa[padded(i)] * pq.scale', 'dqa[padded(i)]');
    const dv = attentionBackwardWgsl.replace('av += ps[r * BC + c] * dos[r * PD + d]', 'av += dss[r * BC + c] * dos[r * PD + d]');
    for (const [code, output] of [[dq, 'dq'], [dv, 'dv']]) {
      expect(code).not.toBe(attentionBackwardWgsl);
      const failed = failedOf(await runAttentionCases(ctx, { backward: { shaderCode: code } }, D8));
      expect(failed.some((n) => n.endsWith(`: ${output}`))).toBe(true);
      expect(failed.some((n) => n.endsWith(': out'))).toBe(false);
    }
  });

  it('rejects a k buffer too small for the shape, naming it', async () => {
    const ctx = await testGpu();
    const big = ctx.createBuffer('big', 4096, GPUBufferUsage.STORAGE);
    const small = ctx.createBuffer('small', 16, GPUBufferUsage.STORAGE);
    const s = { b: 1, hq: 2, hkv: 1, t: 4, s: 4, d: 8, causal: true };
    expect(() => encodeAttention(ctx, ctx.device.createCommandEncoder(), big, small, big, null, big, big, s)).toThrow(
      /attention: k buffer holds 4 elements but shape \[B=1, HKV=1, S=4, D=8\] needs 32/,
    );
    big.destroy();
    small.destroy();
  });
});
