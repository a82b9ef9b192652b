// The Llama-family decoder on the cpu backend against the independent PyTorch reference
// (scripts/tiny-checkpoint/llama_ref.py): logits of both tiny checkpoints from F32 (sharded and
// single) and BF16 files, greedy generation with and without the KV cache, padding invariance,
// LoRA (B = 0 equals the base; a trained adapter equals merged weights), heads on the last real
// token, frozen-backbone features. Scoring and training: models-scoring.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../src/autograd';
import { expectedTensors, openCheckpoint, type OpenedCheckpoint } from '../../src/models/checkpoint';
import { generate } from '../../src/models/generate/generate';
import { choiceLogits, lastTokenHidden, ScalarRewardHead, ValueHead } from '../../src/models/heads';
import { loadModel } from '../../src/models/load-model';
import { loadAdapter } from '../../src/models/lora/io';
import { ModelTooLargeError } from '../../src/models/errors';
import { FeatureCache, lastTokenFeatures } from '../../src/models/features';
import { folderFiles } from '../../src/models/io/node-files';
import { LlamaModel } from '../../src/models/llama/model';
import { LoraAdapter } from '../../src/models/lora/adapter';
import { loraModules } from '../../src/models/lora/config';
import { bytesSource } from '../../src/util/byte-source';
import { SafetensorsFile } from '../../src/models/safetensors/file';
import { createBackend, tidy, type Backend, type Tensor } from '../../src/tensor';
import { Rng } from '../../src/util/rng';
import { readFile } from 'node:fs/promises';

const FIX = 'tests/fixtures/tiny-checkpoint';
const TOL = 1e-4;

let be: Backend;
beforeAll(async () => {
  be = await createBackend('cpu');
});

interface Golden {
  ids: Int32Array;
  B: number;
  T: number;
  logits: Float32Array;
  logprobs: Float32Array;
  prompt: number[];
  continuation: number[];
}

async function golden(name: string): Promise<Golden> {
  const f = await SafetensorsFile.open(bytesSource(new Uint8Array(await readFile(`${FIX}/golden-${name}.safetensors`)), name));
  const [B, T] = f.info('input_ids')!.shape;
  return {
    ids: await f.readInt32('input_ids'),
    B,
    T,
    logits: await f.readFloat32('logits'),
    logprobs: await f.readFloat32('logprobs'),
    prompt: [...(await f.readInt32('greedy_prompt'))],
    continuation: [...(await f.readInt32('greedy_continuation'))],
  };
}

async function load(dir: string): Promise<{ ck: OpenedCheckpoint; model: LlamaModel }> {
  const ck = await openCheckpoint(await folderFiles(`${FIX}/${dir}`));
  return { ck, model: await LlamaModel.load(be, ck.config, ck.weights) };
}

async function read(t: Tensor): Promise<Float32Array> {
  const d = (await t.data()) as Float32Array;
  t.dispose();
  return d;
}

/** max |a - b| / max(|b|, 1), elementwise: "within 1e-4 relative" of logits of order 1. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1));
  return worst;
}

describe.each([
  ['llama', 'llama-f32'],
  ['llama', 'llama-bf16'],
  ['qwen2', 'qwen2-f32'],
  ['qwen2', 'qwen2-bf16'],
])('%s from %s', (name, dir) => {
  it('logits match the PyTorch reference within 1e-4 relative', async () => {
    const g = await golden(name);
    const { model, ck } = await load(dir);
    const logits = await read(noGrad(() => tidy(() => model.forward(g.ids, g.B, g.T))));
    expect(relErr(logits, g.logits)).toBeLessThan(TOL);
    // The module tree is named as the checkpoint is: loading and saving line up by name.
    expect(model.namedParameters().map(([n]) => n).sort()).toEqual([...expectedTensors(ck.config).keys()].sort());
    model.dispose();
  });
});

describe('generation', () => {
  it('greedy with and without the KV cache gives the reference continuation', async () => {
    for (const [name, dir] of [['llama', 'llama-bf16'], ['qwen2', 'qwen2-f32']]) {
      const g = await golden(name);
      const { model } = await load(dir);
      const opts = { maxNewTokens: g.continuation.length, seed: 1, temperature: 0, eosIds: [] };
      const cached = await generate(model, null, [g.prompt], opts);
      const uncached = await generate(model, null, [g.prompt], { ...opts, useCache: false });
      expect(cached[0].ids).toEqual(g.continuation);
      expect(uncached[0].ids).toEqual(g.continuation);
      model.dispose();
    }
  });

  it('sampled batches are reproducible, cache-independent, and padding-independent', async () => {
    const { model, ck } = await load('llama-f32');
    const tok = ck.tokenizer;
    const prompts = [tok.encode('Which response do you prefer?'), tok.encode('The farmer')];
    const opts = { maxNewTokens: 8, seed: 42, temperature: 0.9, topK: 50, topP: 0.95 };
    const streamed: string[] = [];
    const a = await generate(model, tok, prompts, { ...opts, onToken: (row, _id, text) => row === 1 && streamed.push(text) });
    const b = await generate(model, tok, prompts, { ...opts, useCache: false });
    expect(b.map((x) => x.ids)).toEqual(a.map((x) => x.ids));
    expect(streamed.at(-1)).toBe(a[1].text);
    expect(a[0].ids).not.toEqual((await generate(model, tok, prompts, { ...opts, seed: 43 }))[0].ids);
    // Row 1 is left-padded in the batch; greedy, it continues exactly as when alone.
    const greedy = { maxNewTokens: 6, seed: 0, temperature: 0, eosIds: [] };
    const alone = await generate(model, tok, [prompts[1]], greedy);
    const inBatch = await generate(model, tok, prompts, greedy);
    expect(inBatch[1].ids).toEqual(alone[0].ids);
    model.dispose();
  });

  it('stops at an eos id per row', async () => {
    const g = await golden('qwen2');
    const { model } = await load('qwen2-f32');
    const eos = g.continuation[2];
    const r = await generate(model, null, [g.prompt], { maxNewTokens: 6, seed: 1, temperature: 0, eosIds: [eos] });
    expect(r[0].ids).toEqual(g.continuation.slice(0, g.continuation.indexOf(eos) + 1));
    expect(r[0].reason).toBe('eos');
    model.dispose();
  });
});

describe('LoRA', () => {
  it('B = 0 equals the base model; a trained adapter equals the merged weights', async () => {
    const g = await golden('qwen2');
    const { model, ck } = await load('qwen2-f32');
    const cfg = { rank: 2, alpha: 4, dropout: 0, targets: ['q_proj', 'v_proj', 'down_proj'] as const };
    const lora = LoraAdapter.create(be, ck.config, { ...cfg, targets: [...cfg.targets] }, new Rng(3));
    lora.training = false;
    const base = await read(noGrad(() => tidy(() => model.forward(g.ids, g.B, g.T))));
    const withZero = await read(noGrad(() => tidy(() => model.forward(g.ids, g.B, g.T, { adapter: lora }))));
    expect(withZero).toEqual(base);

    // Give B values, then compare with W + scale * B A folded into a copy of the weights.
    const rng = new Rng(4);
    const weights = await lora.weights();
    for (const w of weights.values()) w.B.set(rng.float32(w.B.length, { normal: 0.3 }));
    const trained = LoraAdapter.fromWeights(be, ck.config, lora.config, weights, new Rng(5));
    trained.training = false;
    const adapted = await read(noGrad(() => tidy(() => model.forward(g.ids, g.B, g.T, { adapter: trained }))));
    const merged = new Map<string, Tensor>(model.namedParameters());
    for (const m of loraModules(ck.config, lora.config)) {
      const W = (await merged.get(`${m.path}.weight`)!.data()) as Float32Array;
      const { A, B } = weights.get(m.path)!;
      const out = W.slice();
      for (let o = 0; o < m.outFeatures; o++)
        for (let i = 0; i < m.inFeatures; i++) {
          let s = 0;
          for (let r = 0; r < cfg.rank; r++) s += B[o * cfg.rank + r] * A[r * m.inFeatures + i];
          out[o * m.inFeatures + i] += trained.scale * s;
        }
      merged.set(`${m.path}.weight`, be.fromData(out, [m.outFeatures, m.inFeatures]));
    }
    const mergedModel = new LlamaModel(be, ck.config, merged);
    const want = await read(noGrad(() => tidy(() => mergedModel.forward(g.ids, g.B, g.T))));
    expect(relErr(adapted, want)).toBeLessThan(TOL);
    expect(relErr(adapted, base)).toBeGreaterThan(1e-2);

    // Saved alone (PEFT layout) and loaded back, the adapter gives the same logits.
    const saved = await trained.save(ck.config, 'tiny-qwen2');
    const back = await loadAdapter(saved['adapter_config.json'], saved['adapter_model.safetensors'], ck.config);
    const reloaded = LoraAdapter.fromWeights(be, ck.config, back.config, back.weights, new Rng(6));
    reloaded.training = false;
    expect(await read(noGrad(() => tidy(() => model.forward(g.ids, g.B, g.T, { adapter: reloaded }))))).toEqual(adapted);
    model.dispose();
  });
});

describe('loadModel', () => {
  it('loads with progress, and refuses a model over the limits before reading weights', async () => {
    const seen: number[] = [];
    const { model, tokenizer, estimate } = await loadModel(be, await folderFiles(`${FIX}/qwen2-bf16`), { onProgress: (p) => seen.push(p.loaded) });
    expect(seen.at(-1)).toBe(model.namedParameters().length);
    expect(estimate.parameters).toBe(24_832);
    expect(tokenizer.size).toBe(316);
    model.dispose();
    const limits = { maxBufferSize: 1 << 20, maxStorageBufferBindingSize: 16 * 1024 };
    const touched: string[] = [];
    await expect(loadModel(be, await folderFiles(`${FIX}/qwen2-bf16`), { limits, onProgress: (p) => touched.push(p.tensor) })).rejects.toThrow(ModelTooLargeError);
    expect(touched).toEqual([]);
  });
});

describe('heads', () => {
  it('read the last real token of right-padded rows', async () => {
    const { model, ck } = await load('qwen2-f32');
    const tok = ck.tokenizer;
    const short = tok.encode('Hello world');
    const long = tok.encode('Which response do you prefer? Response A');
    const head = ScalarRewardHead.create(be, ck.config.hiddenSize, new Rng(1));
    const reward = (seqs: number[][]) =>
      noGrad(() =>
        tidy(() => {
          const T = Math.max(...seqs.map((s) => s.length));
          const ids = Int32Array.from(seqs.flatMap((s) => [...s, ...new Array(T - s.length).fill(tok.padId)]));
          const hidden = model.hidden(ids, seqs.length, T);
          return head.forward(lastTokenHidden(be, hidden, seqs.map((s) => s.length)));
        }),
      );
    const alone = await read(reward([short]));
    const batched = await read(reward([short, long]));
    expect(relErr([batched[0]], alone)).toBeLessThan(TOL);

    // The pairwise readout equals the full logits of the choice tokens at the last position.
    const choice = [tok.tokenId('A')!, tok.tokenId('B')!];
    const full = await read(noGrad(() => tidy(() => model.forward(Int32Array.from(long), 1, long.length))));
    const V = ck.config.vocabSize;
    const lastRow = full.subarray((long.length - 1) * V, long.length * V);
    const readout = await read(noGrad(() => tidy(() => choiceLogits(model, model.hidden(Int32Array.from(long), 1, long.length), [long.length], choice))));
    expect(relErr(readout, [lastRow[choice[0]], lastRow[choice[1]]])).toBeLessThan(TOL);

    // Frozen-backbone features: the same last-token states, cached by token ids; the head on them
    // gives the same rewards as on the full forward.
    const cache = new FeatureCache();
    const feats = await lastTokenFeatures(model, [short, long], { padId: tok.padId, batchSize: 1, cache });
    const again = await lastTokenFeatures(model, [long, short], { padId: tok.padId, cache });
    expect(cache.hits).toBe(2);
    expect(again[0]).toEqual(feats[1]);
    const fromFeats = await read(noGrad(() => tidy(() => head.forward(be.fromData(Float32Array.from([...feats[0], ...feats[1]]), [2, ck.config.hiddenSize])))));
    expect(relErr(fromFeats, batched)).toBeLessThan(TOL);

    // The reward head saves and loads alone; a value head gives one value per position.
    const head2 = await ScalarRewardHead.load(be, await head.save(), ck.config.hiddenSize);
    expect(await read(noGrad(() => tidy(() => head2.forward(be.fromData(feats[0], [1, ck.config.hiddenSize])))))).toEqual(alone);
    await expect(ScalarRewardHead.load(be, await head.save(), 64)).rejects.toThrow(/expected score.weight \[1, 64\]/);
    const vh = ValueHead.create(be, ck.config.hiddenSize, new Rng(2));
    const values = await read(noGrad(() => tidy(() => vh.forward(model.hidden(Int32Array.from(long), 1, long.length)))));
    expect(values).toHaveLength(long.length);
    const w = (await vh.weight.data()) as Float32Array;
    expect(values[long.length - 1]).toBeCloseTo(feats[1].reduce((s, v, i) => s + v * w[i], 0), 5);
    model.dispose();
  });
});
