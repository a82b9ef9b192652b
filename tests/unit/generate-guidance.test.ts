// Classifier-free guidance on a conditioning vector: each greedy token is the argmax of
// l(c) + γ·(l(c) − l(0)), checked against a loop that recomputes both rows' logits from scratch;
// the plausibility constraint: the argmax over the tokens l(0) gives at least α of its best's probability.
import { describe, expect, it, beforeAll } from 'vitest';
import { noGrad, slice } from '../../src/autograd';
import { openCheckpoint } from '../../src/models/checkpoint';
import { generate } from '../../src/models/generate/generate';
import { argmax } from '../../src/models/generate/sampling';
import { folderFiles } from '../../src/models/io/node-files';
import { LlamaModel } from '../../src/models/llama/model';
import { createBackend, type Backend } from '../../src/tensor';
import { conditionVectors } from '../../src/train/policy/condition-embedding';
import { Rng } from '../../src/util/rng';

const FIX = 'tests/fixtures/tiny-checkpoint';
let be: Backend;
beforeAll(async () => {
  be = await createBackend('cpu');
});

async function lastLogits(model: LlamaModel, ids: number[], condition: Float32Array | null): Promise<Float32Array> {
  const C = model.config.hiddenSize;
  const t = noGrad(() => {
    const h = model.hidden(Int32Array.from(ids), 1, ids.length, condition ? { condition: model.backend.fromData(condition, [1, 1, C]) } : {});
    return model.logits(slice(h, 1, ids.length - 1, ids.length));
  });
  const out = (await t.data()) as Float32Array;
  t.dispose();
  return out;
}

/** Greedy guided decoding under the plausibility constraint α (0: none), the whole sequence recomputed each step: the reference. */
async function guidedReference(model: LlamaModel, prompt: number[], condition: Float32Array, gamma: number, steps: number, limit: number, alpha = 0): Promise<number[]> {
  const ids = [...prompt];
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const c = await lastLogits(model, ids, condition);
    const z = await lastLogits(model, ids, null);
    // Probabilities of l(0) against its best: exp(z_i − max z) ≥ α.
    const top = Math.max(...z);
    const g = c.map((v, i) => (alpha > 0 && Math.exp(z[i] - top) < alpha ? -Infinity : v + gamma * (v - z[i])));
    const id = argmax(g, limit);
    out.push(id);
    ids.push(id);
  }
  return out;
}

/**
 * The tiny checkpoint with a strong random two-row table: two prompts of different lengths (left
 * padding) and the first again (shared prefill), each under its own direction; greedy settings.
 */
async function fixture() {
  const ck = await openCheckpoint(await folderFiles(`${FIX}/qwen2-f32`));
  const model = await LlamaModel.load(be, ck.config, ck.weights);
  const tok = ck.tokenizer;
  const C = model.config.hiddenSize;
  const table = new Rng(5).float32(2 * C, { normal: 1.5 });
  const prompts = [tok.encode('The farmer'), tok.encode('A quiet morning in the village'), tok.encode('The farmer')];
  const condition = conditionVectors(table, C, [[1, 0], [0.6, -0.8], [-1, 0]]);
  const o = { maxNewTokens: 5, seed: 1, temperature: 0, eosIds: [] as number[], vocabLimit: model.config.vocabSize };
  return { model, tok, C, prompts, condition, o };
}

describe('generate with guidance', () => {
  it('chooses each token from l(c) + γ(l(c) − l(0)), per row, with padding and the cache', async () => {
    const { model, tok, C, prompts, condition, o } = await fixture();
    const gamma = 2;
    const guided = await generate(model, tok, prompts, { ...o, condition, guidance: gamma });
    for (let b = 0; b < prompts.length; b++) {
      const ref = await guidedReference(model, prompts[b], condition.subarray(b * C, (b + 1) * C), gamma, o.maxNewTokens, o.vocabLimit);
      expect(guided[b].ids).toEqual(ref);
    }
    // γ = 0 is plain conditional generation; with guidance the answer moves (this table is strong).
    const plain = await generate(model, tok, prompts, { ...o, condition });
    expect(await generate(model, tok, prompts, { ...o, condition, guidance: 0 })).toEqual(plain);
    expect(guided.map((g) => g.ids)).not.toEqual(plain.map((g) => g.ids));
    // A zero condition gives l(c) = l(0): guidance changes nothing.
    const zero = new Float32Array(prompts.length * C);
    expect((await generate(model, tok, prompts, { ...o, condition: zero, guidance: 3 })).map((g) => g.ids)).toEqual(
      (await generate(model, tok, prompts, { ...o, condition: zero })).map((g) => g.ids),
    );
    await expect(generate(model, tok, prompts, { ...o, guidance: 1 })).rejects.toThrow(/needs a condition/);
    await expect(generate(model, tok, prompts, { ...o, condition, guidance: -1 })).rejects.toThrow(/guidance/);
    model.dispose();
  });

  it('under the plausibility constraint chooses each token among those l(0) gives at least α of its best, alone and with guidance', async () => {
    const { model, tok, C, prompts, condition, o } = await fixture();
    const plain = (await generate(model, tok, prompts, { ...o, condition })).map((g) => g.ids);
    const unconditioned = (await generate(model, tok, prompts, { ...o, condition: new Float32Array(prompts.length * C) })).map((g) => g.ids);
    // This strong table moves every prompt's answer off the unconditioned one: the constraint has something to hold back.
    expect(plain).not.toEqual(unconditioned);
    for (const [alpha, gamma] of [[0.05, 0], [0.3, 0], [0.3, 1]]) {
      const constrained = await generate(model, tok, prompts, { ...o, condition, plausibility: alpha, guidance: gamma });
      for (let b = 0; b < prompts.length; b++) {
        expect(constrained[b].ids).toEqual(await guidedReference(model, prompts[b], condition.subarray(b * C, (b + 1) * C), gamma, o.maxNewTokens, o.vocabLimit, alpha));
      }
    }
    // The constraint binds here: at α 0.3 some token the vector wanted is held back.
    expect((await generate(model, tok, prompts, { ...o, condition, plausibility: 0.3 })).map((g) => g.ids)).not.toEqual(plain);
    // α near 1 leaves l(0)'s best token alone: the answer the policy writes without its vector.
    expect((await generate(model, tok, prompts, { ...o, condition, plausibility: 0.999999 })).map((g) => g.ids)).toEqual(unconditioned);
    // α 0 is no constraint.
    expect((await generate(model, tok, prompts, { ...o, condition, plausibility: 0 })).map((g) => g.ids)).toEqual(plain);
    await expect(generate(model, tok, prompts, { ...o, plausibility: 0.1 })).rejects.toThrow(/needs a condition/);
    for (const bad of [1, -0.1, Number.NaN]) await expect(generate(model, tok, prompts, { ...o, condition, plausibility: bad })).rejects.toThrow(/plausibility/);
    model.dispose();
  });
});
