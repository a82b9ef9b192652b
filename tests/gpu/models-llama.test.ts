// The Llama-family decoder on the webgpu backend (Dawn in Node; SwiftShader without a GPU) against
// the independent PyTorch reference: logits of both tiny checkpoints within 1e-4 relative,
// KV-cached greedy generation giving the reference continuation, response log-probs. Small on
// purpose.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../src/autograd';
import { openCheckpoint } from '../../src/models/checkpoint';
import { generate } from '../../src/models/generate/generate';
import { bytesSource } from '../../src/util/byte-source';
import { folderFiles } from '../../src/models/io/node-files';
import { LlamaModel } from '../../src/models/llama/model';
import { SafetensorsFile } from '../../src/models/safetensors/file';
import { scoreBatches } from '../../src/models/scoring';
import { createBackend, tidy, type Backend } from '../../src/tensor';
import { testGpu } from '../helpers/node-gpu';

const FIX = 'tests/fixtures/tiny-checkpoint';
let be: Backend;

beforeAll(async () => {
  be = await createBackend('webgpu', await testGpu());
});

async function golden(name: string) {
  const f = await SafetensorsFile.open(bytesSource(new Uint8Array(await readFile(`${FIX}/golden-${name}.safetensors`)), name));
  return {
    ids: await f.readInt32('input_ids'),
    shape: f.info('input_ids')!.shape,
    logits: await f.readFloat32('logits'),
    logprobs: await f.readFloat32('logprobs'),
    prompt: [...(await f.readInt32('greedy_prompt'))],
    continuation: [...(await f.readInt32('greedy_continuation'))],
  };
}

describe.each([
  ['llama', 'llama-bf16'],
  ['qwen2', 'qwen2-f32'],
])('%s from %s on webgpu', (name, dir) => {
  it('matches the PyTorch logits within 1e-4 relative and generates the reference greedy tokens', async () => {
    const g = await golden(name);
    const ck = await openCheckpoint(await folderFiles(`${FIX}/${dir}`));
    const model = await LlamaModel.load(be, ck.config, ck.weights);
    const [B, T] = g.shape;
    const t = noGrad(() => tidy(() => model.forward(g.ids, B, T)));
    const logits = (await t.data()) as Float32Array;
    t.dispose();
    let worst = 0;
    for (let i = 0; i < g.logits.length; i++) worst = Math.max(worst, Math.abs(logits[i] - g.logits[i]) / Math.max(Math.abs(g.logits[i]), 1));
    expect(worst).toBeLessThan(1e-4);
    const [out] = await generate(model, null, [g.prompt], { maxNewTokens: g.continuation.length, seed: 1, temperature: 0, eosIds: [] });
    expect(out.ids).toEqual(g.continuation);
    // Response log-probs (row b: first token as prompt, the rest as response) against the reference.
    const rows = [0, 1].map((b) => ({ prompt: [g.ids[b * T]], response: [...g.ids.subarray(b * T + 1, (b + 1) * T)] }));
    const scored = await scoreBatches(model, rows, { padId: ck.tokenizer.padId });
    [0, 1].forEach((b) => {
      const want = g.logprobs.subarray(b * (T - 1), (b + 1) * (T - 1)).reduce((s, v) => s + v, 0);
      expect(Math.abs(scored.sum[b] - want) / Math.max(Math.abs(want), 1)).toBeLessThan(1e-4);
    });
    model.dispose();
  });
});
