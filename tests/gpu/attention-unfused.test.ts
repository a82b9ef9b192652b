// Fused and unfused attention on the webgpu backend (Dawn; SwiftShader without a GPU): the same
// random inputs through the fused kernels (shaders/attention*.wgsl, no T x S scores) and the
// unfused composition (src/tensor/ops/attention-unfused.ts), forward and backward; the kernel
// variant `attention=unfused` switches the default, and the model's attention follows it.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../src/autograd';
import { GpuContext } from '../../src/gpu';
import { openCheckpoint } from '../../src/models/checkpoint';
import { folderFiles } from '../../src/models/io/node-files';
import { LlamaModel } from '../../src/models/llama/model';
import { SafetensorsFile } from '../../src/models/safetensors/file';
import { createBackend, tidy, type AttentionOptions, type Backend } from '../../src/tensor';
import * as ops from '../../src/tensor/ops';
import { bytesSource } from '../../src/util/byte-source';
import { Rng } from '../../src/util/rng';
import { testGpu } from '../helpers/node-gpu';

let be: Backend;
let unfusedBe: Backend;
beforeAll(async () => {
  const ctx = await testGpu();
  be = await createBackend('webgpu', ctx);
  // The same device with the `attention=unfused` variant (what PERSONA_LAB_GPU_KERNELS sets).
  unfusedBe = await createBackend('webgpu', new GpuContext(ctx.adapter, ctx.device, ctx.report, { ...ctx.variants, fusedAttention: false }));
});

async function f32(t: { data(): Promise<unknown> }): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i] === b[i] ? 0 : Math.abs(a[i] - b[i]));
  return m;
}

describe('fused vs unfused attention on webgpu', () => {
  it.each([
    ['causal, grouped heads 4/2, BTHD, key padding, T=13', [2, 13, 4, 8], [2, 13, 2, 8], 'BTHD', true],
    ['causal, BHTD, T=20 (two key tiles), D=16', [1, 2, 20, 16], [1, 2, 20, 16], 'BHTD', false],
  ] as const)('agree forward and backward: %s', async (_name, qs, ks, layout, padded) => {
    const rng = new Rng(31);
    const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    const q = be.fromData(rng.float32(size(qs), { uniform: [-2, 2] }), [...qs]);
    const k = be.fromData(rng.float32(size(ks), { uniform: [-2, 2] }), [...ks]);
    const v = be.fromData(rng.float32(size(ks)), [...ks]);
    const dout = be.fromData(rng.float32(size(qs)), [...qs]);
    const S = layout === 'BTHD' ? ks[1] : ks[2];
    const keyMask = padded ? be.fromData(Int32Array.from({ length: ks[0] * S }, (_, i) => (i % S < 2 && i >= S ? 0 : 1)), [ks[0], S]) : null;
    const o: AttentionOptions = { causal: true, layout, keyMask };
    const fused = ops.attention(be, q, k, v, { ...o, impl: 'fused' });
    const unfused = ops.attention(be, q, k, v, { ...o, impl: 'unfused' });
    expect(maxDiff(await f32(fused.out), await f32(unfused.out))).toBeLessThan(1e-5);
    const lf = await f32(fused.lse);
    const lu = await f32(unfused.lse);
    for (let i = 0; i < lf.length; i++) {
      if (lf[i] === -Infinity) expect(lu[i]).toBe(-Infinity);
      else expect(Math.abs(lf[i] - lu[i])).toBeLessThan(1e-5);
    }
    const gf = ops.attentionBackward(be, q, k, v, fused.out, fused.lse, dout, { ...o, impl: 'fused' });
    const gu = ops.attentionBackward(be, q, k, v, unfused.out, unfused.lse, dout, { ...o, impl: 'unfused' });
    for (const key of ['dq', 'dk', 'dv'] as const) expect(maxDiff(await f32(gf[key]), await f32(gu[key])), key).toBeLessThan(2e-5);
  });

  it('the attention=unfused variant switches the default, and the model gives the same logits', async () => {
    expect(ops.usesUnfusedAttention(be, { causal: true })).toBe(false);
    expect(ops.usesUnfusedAttention(unfusedBe, { causal: true })).toBe(true);
    expect(ops.usesUnfusedAttention(unfusedBe, { causal: true, impl: 'fused' })).toBe(false);
    const FIX = 'tests/fixtures/tiny-checkpoint';
    const g = await SafetensorsFile.open(bytesSource(new Uint8Array(await readFile(`${FIX}/golden-llama.safetensors`)), 'llama'));
    const ids = await g.readInt32('input_ids');
    const [B, T] = g.info('input_ids')!.shape;
    const logits = async (backend: Backend) => {
      const ck = await openCheckpoint(await folderFiles(`${FIX}/llama-bf16`));
      const model = await LlamaModel.load(backend, ck.config, ck.weights);
      const t = noGrad(() => tidy(() => model.forward(ids, B, T)));
      const out = await f32(t);
      t.dispose();
      return out;
    };
    const a = await logits(be);
    const b = await logits(unfusedBe);
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
  });
});
