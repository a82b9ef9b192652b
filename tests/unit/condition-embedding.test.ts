// The learned conditioning embedding (train/policy/condition-embedding.ts) on the tiny Llama
// checkpoint: a zero table leaves the model exactly as it was, a row's vector is x · table (the
// host helper agrees with the module), the gradient of response log-probs reaches the table
// (finite differences), cached generation with a condition equals uncached, rows with the same
// prompt and different conditions are not shared, AdamW's per-parameter lr scale, and the saved
// table read back (malformed files refused).
import { describe, expect, it, beforeAll } from 'vitest';
import { gradcheck, noGrad, sum } from '../../src/autograd';
import { scoringBatch } from '../../src/models/batch';
import { openCheckpoint } from '../../src/models/checkpoint';
import { generate } from '../../src/models/generate/generate';
import { folderFiles } from '../../src/models/io/node-files';
import { LlamaModel } from '../../src/models/llama/model';
import { tokenLogProbs } from '../../src/models/scoring';
import { writeSafetensors } from '../../src/models/safetensors/writer';
import { CONDITION_FILE, policyFiles, readSavedCondition, SavedConditionError } from '../../src/experiments/policy/save';
import { createBackend, tidy, type Backend, type Tensor } from '../../src/tensor';
import { AdamW } from '../../src/train/adamw';
import { ConditionEmbedding, ConditionInputError, conditionVectors, personaFeatures, stackRows } from '../../src/train/policy/condition-embedding';
import { Rng } from '../../src/util/rng';

const FIX = 'tests/fixtures/tiny-checkpoint';
let be: Backend;
beforeAll(async () => {
  be = await createBackend('cpu');
});

async function load() {
  const ck = await openCheckpoint(await folderFiles(`${FIX}/qwen2-f32`));
  return { ck, model: await LlamaModel.load(be, ck.config, ck.weights) };
}

describe('ConditionEmbedding', () => {
  it('maps inputs to x · table, as the host helper does, and refuses wrong sizes', async () => {
    const rng = new Rng(3);
    const table = rng.float32(3 * 4, { normal: 1 });
    const c = new ConditionEmbedding(be, ['a', 'b', 'c'], 4, be.fromData(table, [3, 4]));
    const x = Float32Array.from([0.5, 0, -2, 1, 1, 0]);
    const got = (await tidy(() => c.forward(x, 2)).data()) as Float32Array;
    const want = conditionVectors(table, 4, [x.subarray(0, 3), x.subarray(3)]);
    for (let i = 0; i < 8; i++) {
      const b = Math.floor(i / 4);
      const col = i % 4;
      const direct = [0, 1, 2].reduce((s, f) => s + x[b * 3 + f] * table[f * 4 + col], 0);
      expect(want[i]).toBeCloseTo(direct, 5);
      expect(got[i]).toBeCloseTo(direct, 5);
    }
    expect(() => c.forward(new Float32Array(5), 2)).toThrow(ConditionInputError);
    expect(() => conditionVectors(table, 4, [[1, 2]])).toThrow(ConditionInputError);
    expect(() => new ConditionEmbedding(be, ['a', 'a'], 4)).toThrow(/repeat/);
    c.dispose();
  });

  it('reads a persona as one input per attribute value it has', () => {
    const personas = [{ attributes: { religion: 'Atheist', sex: 'Female' } }, { attributes: { religion: 'Catholic' } }];
    const features = personaFeatures(personas, ['religion', 'sex']);
    expect(features).toEqual(['religion=Atheist', 'religion=Catholic', 'sex=Female']);
    const c = new ConditionEmbedding(be, features, 2);
    expect(Array.from(c.personaInputs({ religion: 'Catholic', sex: 'Female' }, ['religion', 'sex']))).toEqual([0, 1, 1]);
    // A value no training persona had has no row: it adds nothing.
    expect(Array.from(c.personaInputs({ religion: 'Jedi' }, ['religion']))).toEqual([0, 0, 0]);
    c.dispose();
  });

  it('a zero table changes no logit; a non-zero one does, and the gradient reaches the table', async () => {
    const { model, ck } = await load();
    const C = model.config.hiddenSize;
    const tok = ck.tokenizer;
    const batch = scoringBatch(
      [
        { prompt: tok.encode('The farmer'), response: tok.encode(' would like advice') },
        { prompt: tok.encode('A quiet'), response: tok.encode(' evening walk') },
      ],
      tok.padId,
    );
    const zero = new ConditionEmbedding(be, ['x', 'y'], C);
    const inputs = Float32Array.from([1, -0.5, 0.3, 2]);
    const logps = (c: Tensor | null) => sum(tokenLogProbs(model, batch, null, undefined, c), 1);
    const plain = noGrad(() => tidy(() => logps(null)));
    const withZero = noGrad(() => tidy(() => logps(zero.forward(inputs, 2))));
    expect(Array.from((await withZero.data()) as Float32Array)).toEqual(Array.from((await plain.data()) as Float32Array));
    const rng = new Rng(7);
    const some = new ConditionEmbedding(be, ['x', 'y'], C, be.fromData(rng.float32(2 * C, { normal: 0.5 }), [2, C]));
    const moved = noGrad(() => tidy(() => logps(some.forward(inputs, 2))));
    const [p0, m0] = [(await plain.data()) as Float32Array, (await moved.data()) as Float32Array];
    expect(Math.abs(m0[0] - p0[0]) + Math.abs(m0[1] - p0[1])).toBeGreaterThan(1e-3);
    moved.dispose();
    some.dispose();
    const result = await gradcheck(
      be,
      (table: Tensor) => {
        const c = new ConditionEmbedding(be, ['x', 'y'], C, table);
        return logps(c.forward(inputs, 2));
      },
      [{ data: rng.float32(2 * C, { normal: 0.1 }), shape: [2, C] }],
      { atol: 2e-3, rtol: 2e-2 },
    );
    expect(result.messages).toEqual([]);
    expect(result.ok).toBe(true);
    plain.dispose();
    withZero.dispose();
    zero.dispose();
    model.dispose();
  });

  it('generates the same with and without the KV cache under a condition, and does not share prompts across conditions', async () => {
    const { model, ck } = await load();
    const C = model.config.hiddenSize;
    const tok = ck.tokenizer;
    const rng = new Rng(11);
    const table = rng.float32(2 * C, { normal: 2 });
    const prompt = tok.encode('The farmer');
    // Two rows, same prompt, opposite directions.
    const condition = conditionVectors(table, C, [[1, 0], [-1, 0]]);
    const o = { maxNewTokens: 6, seed: 1, temperature: 0, eosIds: [] as number[] };
    const cached = await generate(model, tok, [prompt, prompt], { ...o, condition });
    const uncached = await generate(model, tok, [prompt, prompt], { ...o, condition, useCache: false });
    expect(cached.map((g) => g.ids)).toEqual(uncached.map((g) => g.ids));
    // Each row alone gives its own answer: the shared-prefill path kept them apart.
    const first = await generate(model, tok, [prompt], { ...o, condition: condition.subarray(0, C) });
    const second = await generate(model, tok, [prompt], { ...o, condition: condition.subarray(C) });
    expect(cached[0].ids).toEqual(first[0].ids);
    expect(cached[1].ids).toEqual(second[0].ids);
    expect(first[0].ids).not.toEqual(second[0].ids);
    await expect(generate(model, tok, [prompt], { ...o, condition: new Float32Array(3) })).rejects.toThrow(RangeError);
    model.dispose();
  });

  it('AdamW moves a scaled parameter by its own rate', async () => {
    const a = be.fromData(Float32Array.from([0, 0]), [2]);
    const b = be.fromData(Float32Array.from([0, 0]), [2]);
    a.requiresGrad = true;
    b.requiresGrad = true;
    const opt = new AdamW([a, b], { lr: 1e-3, weightDecay: 0, lrScale: new Map([[b, 10]]) });
    // With gradient 1, Adam's first step moves each entry by lr (10·lr for b).
    a.grad = be.fromData(Float32Array.from([1, 1]), [2]);
    b.grad = be.fromData(Float32Array.from([1, 1]), [2]);
    opt.update();
    expect(((await a.data()) as Float32Array)[0]).toBeCloseTo(-1e-3, 6);
    expect(((await b.data()) as Float32Array)[0]).toBeCloseTo(-1e-2, 5);
    opt.dispose();
    // No scale given (a model without lrScales: the loop passes undefined) is every rate as set.
    const plain = new AdamW([a], { lr: 1e-3, weightDecay: 0, lrScale: undefined });
    a.grad = be.fromData(Float32Array.from([1, 1]), [2]);
    plain.update();
    expect(((await a.data()) as Float32Array)[0]).toBeCloseTo(-2e-3, 6);
    plain.dispose();
  });

  it('is saved beside the policy and read back; a malformed file is refused', async () => {
    const { model } = await load();
    const c = new ConditionEmbedding(be, ['formality', 'detail'], model.config.hiddenSize, be.fromData(new Rng(2).float32(2 * model.config.hiddenSize, { normal: 1 }), [2, model.config.hiddenSize]));
    const saved = await policyFiles(model, null, 'tiny', c);
    const back = await readSavedCondition(saved.files);
    expect(back?.features).toEqual(['formality', 'detail']);
    expect(back?.width).toBe(model.config.hiddenSize);
    expect(Array.from(back!.table)).toEqual(Array.from((await c.table.data()) as Float32Array));
    expect(await readSavedCondition({ 'model.safetensors': saved.files['model.safetensors'] })).toBeNull();
    const noNames = writeSafetensors([{ name: 'condition.table', shape: [2, 2], data: new Float32Array(4) }], { features: '["only one"]' });
    await expect(readSavedCondition({ [CONDITION_FILE]: noNames })).rejects.toThrow(SavedConditionError);
    await expect(readSavedCondition({ [CONDITION_FILE]: 'text' })).rejects.toThrow(SavedConditionError);
    expect(stackRows([Float32Array.from([1, 2]), Float32Array.from([3, 4])])).toEqual(Float32Array.from([1, 2, 3, 4]));
    c.dispose();
    model.dispose();
  });
});
