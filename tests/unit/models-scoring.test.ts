// Scoring and training through the decoder on the cpu backend: response log-probs against the
// independent PyTorch reference (scripts/tiny-checkpoint/llama_ref.py), padding invariance, and a
// LoRA backward step that reaches only the adapter.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, gradcheck } from '../../src/autograd';
import { scoringBatch } from '../../src/models/batch';
import { openCheckpoint } from '../../src/models/checkpoint';
import { bytesSource } from '../../src/util/byte-source';
import { folderFiles } from '../../src/models/io/node-files';
import { LlamaModel } from '../../src/models/llama/model';
import { LoraAdapter } from '../../src/models/lora/adapter';
import { SafetensorsFile } from '../../src/models/safetensors/file';
import { scoreBatches, sequenceLogProbs } from '../../src/models/scoring';
import { createBackend, tidy, type Backend, type Tensor } from '../../src/tensor';
import { Rng } from '../../src/util/rng';

const FIX = 'tests/fixtures/tiny-checkpoint';
const TOL = 1e-4;

let be: Backend;
beforeAll(async () => {
  be = await createBackend('cpu');
});

async function golden(name: string) {
  const f = await SafetensorsFile.open(bytesSource(new Uint8Array(await readFile(`${FIX}/golden-${name}.safetensors`)), name));
  const [B, T] = f.info('input_ids')!.shape;
  return { ids: await f.readInt32('input_ids'), B, T, logprobs: await f.readFloat32('logprobs') };
}

async function load(dir: string) {
  const ck = await openCheckpoint(await folderFiles(`${FIX}/${dir}`));
  return { ck, model: await LlamaModel.load(be, ck.config, ck.weights) };
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1));
  return worst;
}

describe('scoring', () => {
  it('response log-probs match the reference, and right padding changes nothing', async () => {
    const g = await golden('qwen2');
    const { model, ck } = await load('qwen2-f32');
    // Row b as prompt = first token, response = the rest: its log-prob terms are golden logprobs[b].
    const rows = [0, 1].map((b) => {
      const seq = [...g.ids.subarray(b * g.T, (b + 1) * g.T)];
      return { prompt: seq.slice(0, 1), response: seq.slice(1) };
    });
    const want = [0, 1].map((b) => g.logprobs.subarray(b * (g.T - 1), (b + 1) * (g.T - 1)).reduce((s, v) => s + v, 0));
    const scored = await scoreBatches(model, rows, { padId: ck.tokenizer.padId });
    expect(relErr(scored.sum, want)).toBeLessThan(TOL);
    expect(relErr(scored.mean, want.map((w) => w / (g.T - 1)))).toBeLessThan(TOL);
    // The LM head over one-position chunks (the memory cap at its smallest) gives the same sums.
    const chunked = await scoreBatches(model, rows, { padId: ck.tokenizer.padId, maxLogitsBytes: 1 });
    expect(relErr(chunked.sum, scored.sum)).toBeLessThan(1e-6);
    // The same first row next to a much longer one (so it is padded) scores the same.
    const longer = { prompt: rows[1].prompt, response: [...rows[1].response, ...rows[1].response, 5, 6, 7] };
    const padded = await scoreBatches(model, [rows[0], longer], { padId: ck.tokenizer.padId });
    expect(relErr([padded.sum[0]], [scored.sum[0]])).toBeLessThan(TOL);
    model.dispose();
  });
});

describe('LoRA training', () => {
  it('trains only the adapter: gradients reach A and B, never the frozen base', async () => {
    const { model, ck } = await load('llama-f32');
    const lora = LoraAdapter.create(be, ck.config, { rank: 2, alpha: 2, dropout: 0.1, targets: ['q_proj', 'up_proj'] }, new Rng(7));
    const batch = scoringBatch([{ prompt: ck.tokenizer.encode('Which'), response: ck.tokenizer.encode(' response do you prefer') }], ck.tokenizer.padId);
    tidy(() => backward(sequenceLogProbs(model, batch, lora).sum));
    for (const p of lora.parameters()) expect(p.grad, p.name).not.toBeNull();
    // B = 0 at the start, so A's gradient is 0 and B's is not.
    const [a0, b0] = [lora.parameters()[0], lora.parameters()[1]];
    expect(Math.max(...(await a0.grad!.data()).map(Math.abs))).toBe(0);
    expect(Math.max(...(await b0.grad!.data()).map(Math.abs))).toBeGreaterThan(0);
    for (const [name, t] of model.namedParameters()) expect(t.grad, name).toBeNull();
    expect(model.trainableParameters()).toEqual([]);
    model.dispose();
  });
});

describe('gradients through the whole decoder', () => {
  it.each([
    ['llama-f32', 'q_proj'],
    ['qwen2-f32', 'v_proj'],
  ])('%s: the LoRA %s gradients of a sequence log-prob match finite differences', async (dir, target) => {
    const { model, ck } = await load(dir);
    const tok = ck.tokenizer;
    const lora = LoraAdapter.create(be, ck.config, { rank: 2, alpha: 2, dropout: 0, targets: [target as 'q_proj'] }, new Rng(11));
    const path = `model.layers.1.self_attn.${target}`;
    const pair = lora.modules.get(path)!;
    const [r, inF] = pair.A.shape;
    const outF = pair.B.shape[0];
    const batch = scoringBatch([{ prompt: tok.encode('The farmer'), response: tok.encode(' would like advice') }], tok.padId);
    const rng = new Rng(12);
    const result = await gradcheck(
      be,
      (A: Tensor, B: Tensor) => {
        pair.A = A;
        pair.B = B;
        return sequenceLogProbs(model, batch, lora).sum;
      },
      [
        { data: (await pair.A.data()) as Float32Array, shape: [r, inF] },
        { data: rng.float32(outF * r, { normal: 0.5 }), shape: [outF, r] },
      ],
      { atol: 2e-3, rtol: 2e-2 },
    );
    expect(result.messages).toEqual([]);
    expect(result.ok).toBe(true);
    model.dispose();
  });
});
