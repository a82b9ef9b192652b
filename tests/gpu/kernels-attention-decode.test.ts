// The decode attention kernel (shaders/attention-decode.wgsl) on Dawn against the CPU reference,
// mutations it must catch (a causal limit one key late, earlier chunks not rescaled to a new max,
// padding read as a key), and generation on webgpu against the cpu backend: ops.writeAt,
// ops.cachedAttention for a decode step and for a prompt, and generate() with a shared prompt.
import { describe, expect, it } from 'vitest';
import attentionDecodeWgsl from '../../shaders/attention-decode.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { attentionDecodeCheck } from '../../src/tensor/checks/attention-decode';
import { openCheckpoint } from '../../src/models/checkpoint';
import { generate } from '../../src/models/generate/generate';
import { folderFiles } from '../../src/models/io/node-files';
import { LlamaModel } from '../../src/models/llama/model';
import { createBackend, ops, type Backend } from '../../src/tensor';
import { Rng } from '../../src/util/rng';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('attention-decode on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(attentionDecodeCheck);
  });

  it('matches the CPU reference', async () => {
    expectAllOk(await attentionDecodeCheck.run(await testGpu()), 12);
  }, 120_000);

  it('catches a late causal limit, earlier chunks not rescaled, and padding read as a key', async () => {
    const ctx = await testGpu();
    await expectCaught(ctx, attentionDecodeCheck, attentionDecodeWgsl, 't + (params.s - params.t) + 1u', 't + (params.s - params.t) + 2u', /T=3 of S=21.*: out$/);
    await expectCaught(ctx, attentionDecodeCheck, attentionDecodeWgsl, 'var a = acc[i] * alpha;', 'var a = acc[i];', /S=70|S=130/);
    await expectCaught(ctx, attentionDecodeCheck, attentionDecodeWgsl, '& 0x7fffffffu) != 0u', '& 0x7fffffffu) != 1u', /masked|padding/);
  }, 120_000);
});

describe('generation ops on webgpu', () => {
  it('generate() on webgpu, rows sharing a prompt included, gives the cpu backend greedy tokens', async () => {
    const ck = await openCheckpoint(await folderFiles('tests/fixtures/tiny-checkpoint/llama-f32'));
    const p = ck.tokenizer.encode('Which response do you prefer?');
    const q = ck.tokenizer.encode('The farmer');
    const o = { maxNewTokens: 5, seed: 1, temperature: 0, eosIds: [] as number[] };
    const ids = async (be: Backend) => {
      const model = await LlamaModel.load(be, ck.config, ck.weights);
      const out = (await generate(model, ck.tokenizer, [p, q, p], o)).map((g) => g.ids);
      model.dispose();
      return out;
    };
    const want = await ids(await createBackend('cpu'));
    expect(await ids(await createBackend('webgpu', await testGpu()))).toEqual(want);
    expect(want[2]).toEqual(want[0]);
  }, 120_000);

  it('write into a cache in place and attend over its first positions as the cpu backend does', async () => {
    const gpu = await createBackend('webgpu', await testGpu());
    const cpu = await createBackend('cpu');
    const rng = new Rng(8);
    const [B, cap, H, Hkv, D] = [2, 12, 4, 2, 8];
    const data = {
      k: rng.float32(B * cap * Hkv * D, { normal: 1 }),
      v: rng.float32(B * cap * Hkv * D, { normal: 1 }),
      newK: rng.float32(B * 3 * Hkv * D, { normal: 1 }),
      newV: rng.float32(B * 3 * Hkv * D, { normal: 1 }),
      q1: rng.float32(B * 1 * H * D, { normal: 1 }),
      q7: rng.float32(B * 7 * H * D, { normal: 1 }),
    };
    const mask = Float32Array.from({ length: B * 9 }, (_, i) => (i === 9 || i === 10 ? 0 : 1));
    const run = async (be: Backend) => {
      const k = be.fromData(data.k, [B, cap, Hkv, D]);
      const v = be.fromData(data.v, [B, cap, Hkv, D]);
      ops.writeAt(be, k, be.fromData(data.newK, [B, 3, Hkv, D]), 1, 6);
      ops.writeAt(be, v, be.fromData(data.newV, [B, 3, Hkv, D]), 1, 6);
      const step = ops.cachedAttention(be, be.fromData(data.q1, [B, 1, H, D]), k, v, 9, { keyMask: be.fromData(mask, [B, 9]) });
      const prompt = ops.cachedAttention(be, be.fromData(data.q7, [B, 7, H, D]), k, v, 7);
      return { k: (await k.data()) as Float32Array, step: (await step.data()) as Float32Array, prompt: (await prompt.data()) as Float32Array };
    };
    const [want, got] = [await run(cpu), await run(gpu)];
    expect(Array.from(got.k)).toEqual(Array.from(want.k));
    for (const name of ['step', 'prompt'] as const) {
      const worst = got[name].reduce((w, x, i) => Math.max(w, Math.abs(x - want[name][i])), 0);
      expect(worst, name).toBeLessThan(1e-5);
    }
  }, 120_000);
});
