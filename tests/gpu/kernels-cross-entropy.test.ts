import { describe, expect, it } from 'vitest';
import crossEntropyWgsl from '../../shaders/cross-entropy.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { crossEntropyCheck, crossEntropyGpu } from '../../src/tensor/checks/cross-entropy';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('cross-entropy and log-probs on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(crossEntropyCheck);
  });

  it('rows, backwards and the masked mean match the CPU references', async () => {
    expectAllOk(await crossEntropyCheck.run(await testGpu()), 60);
  });

  it('catches an unstable log-sum-exp and a wrong mean count', async () => {
    const ctx = await testGpu();
    // Without subtracting the max, exp overflows on logits of 1e4.
    const unstable = crossEntropyWgsl.replace('s += exp(logits[base + i] - m);', 's += exp(logits[base + i]);');
    const failed = await expectCaught(ctx, crossEntropyCheck, unstable, 'let l = m + log(', 'let l = 0.0 * m + log(', /extreme.*: losses$/);
    expect(failed.some((n) => n.startsWith('N=6 V=7'))).toBe(false);
    await expectCaught(ctx, crossEntropyCheck, crossEntropyWgsl, 'mean_out[0] = total / f32(count);', 'mean_out[0] = total / f32(p.n);', /some ignored: mean$/);
  });

  it('turns a target outside the vocabulary into a NaN loss and NaN gradient row', async () => {
    const ctx = await testGpu();
    const r = await crossEntropyGpu(ctx, new Float32Array([1, 2, 3, 4]), new Int32Array([1, 7]), new Float32Array([1, 1]), 1, { n: 2, v: 2 });
    expect(r.losses[0]).toBeCloseTo(Math.log(1 + Math.E) - 1, 6);
    expect(r.losses[1]).toBeNaN();
    expect([...r.dlogits.subarray(2)].every(Number.isNaN)).toBe(true);
    expect(r.mean[0]).toBeNaN();
  });
});
