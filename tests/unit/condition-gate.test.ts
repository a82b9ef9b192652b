// The gated condition (LlamaModel's GatedCondition; conditionRead "gated" of a directional policy):
// each part k joins a position's normalized input h with weight σ(h · keys_k + bias_k). Checked
// against a host reference on random inputs, by finite differences through a tiny model's
// log-probs (table, keys and bias), in generation (cached equals uncached, rows with one prompt
// and different parts kept apart) and saved beside a policy and read back. Read at the head
// (GateSite "head", conditionRead "gated-head"): the same parts join the final hidden state only.
import { beforeAll, describe, expect, it } from 'vitest';
import { gradcheck, noGrad, sum } from '../../src/autograd';
import { scoringBatch } from '../../src/models/batch';
import { openCheckpoint } from '../../src/models/checkpoint';
import { generate } from '../../src/models/generate/generate';
import { folderFiles } from '../../src/models/io/node-files';
import { addCondition, conditionTensor, LlamaModel, type GateSite } from '../../src/models/llama/model';
import { tokenLogProbs } from '../../src/models/scoring';
import type { TextTokenizer } from '../../src/models/tokenizer';
import { writeSafetensors } from '../../src/models/safetensors/writer';
import { CONDITION_FILE, policyFiles, readSavedCondition, SavedConditionError } from '../../src/experiments/policy/save';
import { createBackend, tidy, type Backend, type Tensor } from '../../src/tensor';
import { ConditionEmbedding, ConditionInputError, conditionParts, conditionRows, conditionVectors, repeatInputs } from '../../src/train/policy/condition-embedding';
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

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Two scored rows of the tiny model and the summed log-probs of each under a condition. */
function twoRowLogps(model: LlamaModel, tok: TextTokenizer) {
  const batch = scoringBatch(
    [
      { prompt: tok.encode('The farmer'), response: tok.encode(' would like advice') },
      { prompt: tok.encode('A quiet'), response: tok.encode(' evening walk') },
    ],
    tok.padId,
  );
  return (c: ReturnType<ConditionEmbedding['read']> | null) => sum(tokenLogProbs(model, batch, null, undefined, c), 1);
}

/** Finite differences of those log-probs for a gated embedding's table, keys and bias (2 features x `parts` rows, read at `site`), on random values. */
async function expectGatedGradients(model: LlamaModel, tok: TextTokenizer, site: GateSite, parts: number, rng: Rng): Promise<void> {
  const C = model.config.hiddenSize;
  const rows = 2 * parts;
  const logps = twoRowLogps(model, tok);
  const inputs = Float32Array.from([1, -0.5, 0.3, 2]);
  const result = await gradcheck(
    be,
    (table: Tensor, keys: Tensor, bias: Tensor) => logps(new ConditionEmbedding(be, ['x', 'y'], C, table, { gate: { keys, bias }, site, parts }).read(inputs, 2)),
    [
      { data: rng.float32(rows * C, { normal: 0.1 }), shape: [rows, C] },
      { data: rng.float32(rows * C, { normal: 0.3 }), shape: [rows, C] },
      { data: rng.float32(rows, { normal: 0.5 }), shape: [rows] },
    ],
    { atol: 2e-3, rtol: 2e-2 },
  );
  expect(result.messages).toEqual([]);
  expect(result.ok).toBe(true);
}

describe('gated condition', () => {
  it('adds each part weighted by its gate on the position, as a host reference does', async () => {
    const [B, T, K, C] = [2, 3, 4, 5];
    const rng = new Rng(5);
    const h = rng.float32(B * T * C, { normal: 1 });
    const values = rng.float32(B * K * C, { normal: 1 });
    const keys = rng.float32(K * C, { normal: 0.7 });
    const bias = rng.float32(K, { normal: 0.5 });
    const got = (await tidy(() => addCondition(be.fromData(h, [B, T, C]), conditionTensor(be, values, B, C, { keys, bias }))).data()) as Float32Array;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const at = (b * T + t) * C;
        for (let c = 0; c < C; c++) {
          let want = h[at + c];
          for (let k = 0; k < K; k++) {
            let z = bias[k];
            for (let j = 0; j < C; j++) z += h[at + j] * keys[k * C + j];
            want += sigmoid(z) * values[(b * K + k) * C + c];
          }
          expect(got[at + c]).toBeCloseTo(want, 4);
        }
      }
    }
    // Without a gate the same call adds one vector per row at every position.
    const row = rng.float32(B * C, { normal: 1 });
    const plain = (await tidy(() => addCondition(be.fromData(h, [B, T, C]), conditionTensor(be, row, B, C))).data()) as Float32Array;
    expect(plain[(1 * T + 2) * C + 3]).toBeCloseTo(h[(1 * T + 2) * C + 3] + row[1 * C + 3], 5);
    expect(() => conditionTensor(be, values.subarray(1), B, C, { keys, bias })).toThrow(RangeError);
    expect(() => conditionTensor(be, values, B, C, { keys: keys.subarray(1), bias })).toThrow(RangeError);
  });

  it("a gated embedding's parts are x_f · table_f (the host helper agrees); forward() refuses it", async () => {
    const rng = new Rng(3);
    const table = rng.float32(3 * 4, { normal: 1 });
    const c = new ConditionEmbedding(be, ['a', 'b', 'c'], 4, be.fromData(table, [3, 4]), { gate: true });
    const x = Float32Array.from([0.5, 0, -2]);
    const read = c.read(x, 1);
    if (!('values' in read)) throw new Error('expected a gated condition');
    const got = (await read.values.data()) as Float32Array;
    const host = conditionParts(table, 4, [x]);
    expect(conditionRows({ table, width: 4, gate: { keys: new Float32Array(12), bias: new Float32Array(3) } }, [x])).toEqual(host);
    expect(conditionRows({ table, width: 4 }, [x])).toEqual(conditionVectors(table, 4, [x]));
    for (let f = 0; f < 3; f++) for (let j = 0; j < 4; j++) {
      expect(got[f * 4 + j]).toBeCloseTo(x[f] * table[f * 4 + j], 6);
      expect(host[f * 4 + j]).toBeCloseTo(x[f] * table[f * 4 + j], 6);
    }
    read.values.dispose();
    expect(() => c.forward(x, 1)).toThrow(ConditionInputError);
    expect(() => conditionParts(table, 4, [[1, 2]])).toThrow(ConditionInputError);
    expect(() => new ConditionEmbedding(be, ['a'], 4, null, { gate: { keys: be.zeros([2, 4]), bias: be.zeros([1]) } })).toThrow(ConditionInputError);
    // A number starts every gate's bias there (keys at zero).
    const closed = new ConditionEmbedding(be, ['a', 'b'], 4, null, { gate: -2.5 });
    expect(Array.from((await closed.gate!.bias.data()) as Float32Array)).toEqual([-2.5, -2.5]);
    expect(Array.from((await closed.gate!.keys.data()) as Float32Array).every((v) => v === 0)).toBe(true);
    closed.dispose();
    c.dispose();
  });

  it('a zero table changes no logit whatever the gate; the gradient reaches table, keys and bias', async () => {
    const { model, ck } = await load();
    const C = model.config.hiddenSize;
    const logps = twoRowLogps(model, ck.tokenizer);
    const rng = new Rng(9);
    const zero = new ConditionEmbedding(be, ['x', 'y'], C, null, { gate: { keys: be.fromData(rng.float32(2 * C, { normal: 1 }), [2, C]), bias: be.fromData(rng.float32(2, { normal: 1 }), [2]) } });
    const plain = noGrad(() => tidy(() => logps(null)));
    const withZero = noGrad(() => tidy(() => logps(zero.read(Float32Array.from([1, -0.5, 0.3, 2]), 2))));
    expect(Array.from((await withZero.data()) as Float32Array)).toEqual(Array.from((await plain.data()) as Float32Array));
    await expectGatedGradients(model, ck.tokenizer, 'blocks', 1, rng);
    for (const t of [plain, withZero]) t.dispose();
    zero.dispose();
    model.dispose();
  });

  it('generates the same with and without the KV cache, and keeps rows of one prompt with different parts apart', async () => {
    const { model, ck } = await load();
    const C = model.config.hiddenSize;
    const tok = ck.tokenizer;
    const rng = new Rng(11);
    const table = rng.float32(2 * C, { normal: 2 });
    const conditionGate = { keys: rng.float32(2 * C, { normal: 1 }), bias: rng.float32(2, { normal: 1 }) };
    const prompt = tok.encode('The farmer');
    const condition = conditionParts(table, C, [[1, 0], [-1, 0]]);
    const o = { maxNewTokens: 6, seed: 1, temperature: 0, eosIds: [] as number[], conditionGate };
    const cached = await generate(model, tok, [prompt, prompt], { ...o, condition });
    const uncached = await generate(model, tok, [prompt, prompt], { ...o, condition, useCache: false });
    expect(cached.map((g) => g.ids)).toEqual(uncached.map((g) => g.ids));
    const first = await generate(model, tok, [prompt], { ...o, condition: condition.subarray(0, 2 * C) });
    const second = await generate(model, tok, [prompt], { ...o, condition: condition.subarray(2 * C) });
    expect(cached[0].ids).toEqual(first[0].ids);
    expect(cached[1].ids).toEqual(second[0].ids);
    expect(first[0].ids).not.toEqual(second[0].ids);
    // Guidance runs the gated rows beside zero parts.
    const guided = await generate(model, tok, [prompt], { ...o, condition: condition.subarray(0, 2 * C), guidance: 1 });
    expect(guided[0].ids).toHaveLength(6);
    // One row's worth of values without the gate's K parts is refused.
    await expect(generate(model, tok, [prompt], { ...o, condition: condition.subarray(0, C) })).rejects.toThrow(RangeError);
    model.dispose();
  });

  it('is saved with its gate and read back; a gate missing a half is refused', async () => {
    const { model } = await load();
    const C = model.config.hiddenSize;
    const rng = new Rng(2);
    const c = new ConditionEmbedding(be, ['formality', 'detail'], C, be.fromData(rng.float32(2 * C, { normal: 1 }), [2, C]), {
      gate: {
        keys: be.fromData(rng.float32(2 * C, { normal: 1 }), [2, C]),
        bias: be.fromData(Float32Array.from([0.25, -1]), [2]),
      },
    });
    const back = await readSavedCondition((await policyFiles(model, null, 'tiny', c)).files);
    expect(back?.features).toEqual(['formality', 'detail']);
    expect(Array.from(back!.gate!.keys)).toEqual(Array.from((await c.gate!.keys.data()) as Float32Array));
    expect(Array.from(back!.gate!.bias)).toEqual([0.25, -1]);
    // Written again from the host copy, the same bytes come back.
    const again = await readSavedCondition((await policyFiles(model, null, 'tiny', back)).files);
    expect(Array.from(again!.gate!.keys)).toEqual(Array.from(back!.gate!.keys));
    const half = writeSafetensors(
      [
        { name: 'condition.table', shape: [2, 2], data: new Float32Array(4) },
        { name: 'condition.gate_keys', shape: [2, 2], data: new Float32Array(4) },
      ],
      { features: '["a","b"]' },
    );
    await expect(readSavedCondition({ [CONDITION_FILE]: half })).rejects.toThrow(SavedConditionError);
    c.dispose();
    model.dispose();
  });
});

describe('gated condition read at the head', () => {
  it("gives the LM head's logits of the unconditioned final hidden state plus the gated parts", async () => {
    const { model, ck } = await load();
    const C = model.config.hiddenSize;
    const tok = ck.tokenizer;
    const ids = Int32Array.from([...tok.encode('The farmer would'), ...tok.encode('A quiet evening')].slice(0, 6));
    const rng = new Rng(13);
    const values = rng.float32(2 * 2 * C, { normal: 1 });
    const gate = { keys: rng.float32(2 * C, { normal: 0.5 }), bias: rng.float32(2, { normal: 0.5 }) };
    const run = (site: 'head' | 'blocks' | null) =>
      noGrad(() => tidy(() => model.forward(ids, 2, 3, site ? { condition: conditionTensor(be, values, 2, C, { ...gate, site }) } : {}))).data() as Promise<Float32Array>;
    const want = (await noGrad(() => tidy(() => model.logits(addCondition(model.hidden(ids, 2, 3), conditionTensor(be, values, 2, C, gate))))).data()) as Float32Array;
    const head = await run('head');
    head.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    // Not what the blocks' read gives, and not the plain model's.
    const blocks = await run('blocks');
    const plain = await run(null);
    expect(Math.max(...head.map((v, i) => Math.abs(v - blocks[i])))).toBeGreaterThan(1e-3);
    expect(Math.max(...head.map((v, i) => Math.abs(v - plain[i])))).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('passes finite differences for table, keys and bias, and generates the same with and without the KV cache', async () => {
    const { model, ck } = await load();
    const C = model.config.hiddenSize;
    const tok = ck.tokenizer;
    const rng = new Rng(17);
    await expectGatedGradients(model, tok, 'head', 1, rng);
    const table = rng.float32(2 * C, { normal: 2 });
    const conditionGate = { keys: rng.float32(2 * C, { normal: 1 }), bias: rng.float32(2, { normal: 1 }), site: 'head' as const };
    const prompt = tok.encode('The farmer');
    const condition = conditionParts(table, C, [[1, 0], [-1, 0]]);
    const o = { maxNewTokens: 6, seed: 1, temperature: 0, eosIds: [] as number[], conditionGate };
    const cached = await generate(model, tok, [prompt, prompt], { ...o, condition });
    const uncached = await generate(model, tok, [prompt, prompt], { ...o, condition, useCache: false });
    expect(cached.map((g) => g.ids)).toEqual(uncached.map((g) => g.ids));
    expect(cached[0].ids).not.toEqual(cached[1].ids);
    model.dispose();
  });

  it('keeps its site when saved; files without one read as blocks; an unknown site is refused', async () => {
    const { model } = await load();
    const C = model.config.hiddenSize;
    const rng = new Rng(4);
    const gated = (site: 'head' | 'blocks') =>
      new ConditionEmbedding(be, ['formality', 'detail'], C, be.fromData(rng.float32(2 * C, { normal: 1 }), [2, C]), { gate: { keys: be.fromData(rng.float32(2 * C, { normal: 1 }), [2, C]), bias: be.zeros([2]) }, site });
    const head = gated('head');
    const back = await readSavedCondition((await policyFiles(model, null, 'tiny', head)).files);
    expect(back?.gate?.site).toBe('head');
    expect((await readSavedCondition((await policyFiles(model, null, 'tiny', back)).files))?.gate?.site).toBe('head');
    const blocks = gated('blocks');
    expect((await readSavedCondition((await policyFiles(model, null, 'tiny', blocks)).files))?.gate?.site).toBe('blocks');
    const file = (metadata: Record<string, string>) => ({
      [CONDITION_FILE]: writeSafetensors(
        [
          { name: 'condition.table', shape: [2, 2], data: new Float32Array(4) },
          { name: 'condition.gate_keys', shape: [2, 2], data: new Float32Array(4) },
          { name: 'condition.gate_bias', shape: [2], data: new Float32Array(2) },
        ],
        { features: '["a","b"]', ...metadata },
      ),
    });
    expect((await readSavedCondition(file({})))?.gate?.site).toBe('blocks');
    await expect(readSavedCondition(file({ gate_site: 'logits' }))).rejects.toThrow(/gate_site/);
    for (const c of [head, blocks]) c.dispose();
    model.dispose();
  });
});

describe('gated parts per feature', () => {
  it('reads each input into its M parts; the host rows agree; new keys start random and apart', async () => {
    const rng = new Rng(23);
    const [F, M, C] = [3, 2, 4];
    const table = rng.float32(F * M * C, { normal: 1 });
    const keys = rng.float32(F * M * C, { normal: 1 });
    const c = new ConditionEmbedding(be, ['a', 'b', 'c'], C, be.fromData(table, [F * M, C]), { gate: { keys: be.fromData(keys, [F * M, C]), bias: be.zeros([F * M]) }, site: 'head', parts: M });
    const x = Float32Array.from([0.5, 0, -2]);
    const read = c.read(x, 1);
    if (!('values' in read)) throw new Error('expected a gated condition');
    expect(read.values.shape).toEqual([1, F * M, C]);
    const got = (await read.values.data()) as Float32Array;
    for (let f = 0; f < F; f++) for (let m = 0; m < M; m++) for (let j = 0; j < C; j++) expect(got[(f * M + m) * C + j]).toBeCloseTo(x[f] * table[(f * M + m) * C + j], 6);
    const host = conditionRows({ table, width: C, gate: { keys, bias: new Float32Array(F * M), site: 'head' }, parts: M }, [x]);
    Array.from(host).forEach((v, i) => expect(v).toBeCloseTo(got[i], 6));
    expect(Array.from(repeatInputs([1, -2], 3))).toEqual([1, 1, 1, -2, -2, -2]);
    read.values.dispose();
    c.dispose();
    // A new gate with parts: keys seeded, small and different part to part (zero keys would keep the parts equal forever).
    const fresh = new ConditionEmbedding(be, ['a', 'b'], 16, null, { gate: -1, site: 'head', parts: 3, seed: 7 });
    const k = (await fresh.gate!.keys.data()) as Float32Array;
    expect(k).toHaveLength(2 * 3 * 16);
    expect(Array.from(k.subarray(0, 16))).not.toEqual(Array.from(k.subarray(16, 32)));
    expect(Math.max(...k.map(Math.abs))).toBeLessThan(2);
    const again = new ConditionEmbedding(be, ['a', 'b'], 16, null, { gate: -1, site: 'head', parts: 3, seed: 7 });
    expect(Array.from((await again.gate!.keys.data()) as Float32Array)).toEqual(Array.from(k));
    for (const e of [fresh, again]) e.dispose();
    expect(() => new ConditionEmbedding(be, ['a'], 4, null, { gate: false, site: 'blocks', parts: 2 })).toThrow(ConditionInputError);
    expect(() => new ConditionEmbedding(be, ['a'], 4, be.zeros([1, 4]), { gate: true, site: 'head', parts: 2 })).toThrow(ConditionInputError);
  });

  it('passes finite differences through a model, and is saved with its parts and read back', async () => {
    const { model, ck } = await load();
    const C = model.config.hiddenSize;
    const rng = new Rng(29);
    await expectGatedGradients(model, ck.tokenizer, 'head', 2, rng);
    const c = new ConditionEmbedding(be, ['formality', 'detail'], C, be.fromData(rng.float32(4 * C, { normal: 1 }), [4, C]), { gate: -2, site: 'head', parts: 2, seed: 3 });
    const back = await readSavedCondition((await policyFiles(model, null, 'tiny', c)).files);
    expect(back?.parts).toBe(2);
    expect(back?.features).toEqual(['formality', 'detail']);
    expect(back!.table).toHaveLength(4 * C);
    expect(Array.from(back!.gate!.keys)).toEqual(Array.from((await c.gate!.keys.data()) as Float32Array));
    expect((await readSavedCondition((await policyFiles(model, null, 'tiny', back)).files))?.parts).toBe(2);
    const file = (parts: string, rows: number) => ({
      [CONDITION_FILE]: writeSafetensors(
        [
          { name: 'condition.table', shape: [rows, 2], data: new Float32Array(rows * 2) },
          { name: 'condition.gate_keys', shape: [rows, 2], data: new Float32Array(rows * 2) },
          { name: 'condition.gate_bias', shape: [rows], data: new Float32Array(rows) },
        ],
        { features: '["a","b"]', gate_parts: parts },
      ),
    });
    expect((await readSavedCondition(file('2', 4)))?.parts).toBe(2);
    await expect(readSavedCondition(file('2', 2))).rejects.toThrow(SavedConditionError);
    await expect(readSavedCondition(file('two', 4))).rejects.toThrow(/gate_parts/);
    c.dispose();
    model.dispose();
  });
});

describe('squashed inputs', () => {
  it('reads each input as tanh(s · x), gated or not, on the device and on the host; refuses a negative s', async () => {
    const rng = new Rng(31);
    const [F, M, C] = [3, 2, 4];
    const x = Float32Array.from([0.05, -0.7, 0]);
    const squashed = x.map((v) => Math.tanh(3 * v));
    const table = rng.float32(F * M * C, { normal: 1 });
    const keys = rng.float32(F * M * C, { normal: 1 });
    const gate = () => ({ keys: be.fromData(keys, [F * M, C]), bias: be.zeros([F * M]) });
    const gated = new ConditionEmbedding(be, ['a', 'b', 'c'], C, be.fromData(table, [F * M, C]), { gate: gate(), site: 'head', parts: M, squash: 3 });
    const plainGated = new ConditionEmbedding(be, ['a', 'b', 'c'], C, be.fromData(table, [F * M, C]), { gate: gate(), site: 'head', parts: M });
    const values = async (c: ConditionEmbedding, inputs: Float32Array) => {
      const r = c.read(inputs, 1);
      if (!('values' in r)) throw new Error('expected a gated condition');
      return Array.from((await r.values.data()) as Float32Array);
    };
    const got = await values(gated, x);
    expect(got).toEqual(await values(plainGated, squashed));
    expect(got).not.toEqual(await values(plainGated, x));
    const host = conditionRows({ table, width: C, gate: { keys, bias: new Float32Array(F * M), site: 'head' }, parts: M, squash: 3 }, [x]);
    Array.from(host).forEach((v, i) => expect(v).toBeCloseTo(got[i], 6));
    // Without a gate: the sum over features of tanh(s · x_f) · table_f.
    const flat = table.subarray(0, F * C);
    const sum = new ConditionEmbedding(be, ['a', 'b', 'c'], C, be.fromData(flat, [F, C]), { squash: 3 });
    const v = Array.from((await sum.forward(x, 1).data()) as Float32Array);
    const want = conditionVectors(flat, C, [squashed]);
    v.forEach((y, i) => expect(y).toBeCloseTo(want[i], 6));
    Array.from(conditionRows({ table: flat, width: C, squash: 3 }, [x])).forEach((y, i) => expect(y).toBeCloseTo(want[i], 6));
    for (const c of [gated, plainGated, sum]) c.dispose();
    expect(() => new ConditionEmbedding(be, ['a'], 4, null, { squash: -1 })).toThrow(ConditionInputError);
    expect(() => new ConditionEmbedding(be, ['a'], 4, null, { squash: Number.NaN })).toThrow(ConditionInputError);
  });

  it('is saved with the table and read back; a file without it reads inputs as given; a bad value is refused', async () => {
    const { model } = await load();
    const C = model.config.hiddenSize;
    const c = new ConditionEmbedding(be, ['formality', 'detail'], C, be.fromData(new Rng(37).float32(2 * C, { normal: 1 }), [2, C]), { gate: true, site: 'head', squash: 2.5 });
    const back = await readSavedCondition((await policyFiles(model, null, 'tiny', c)).files);
    expect(back?.squash).toBe(2.5);
    expect((await readSavedCondition((await policyFiles(model, null, 'tiny', back)).files))?.squash).toBe(2.5);
    const file = (metadata: Record<string, string>) => ({
      [CONDITION_FILE]: writeSafetensors([{ name: 'condition.table', shape: [2, 2], data: new Float32Array(4) }], { features: '["a","b"]', ...metadata }),
    });
    expect((await readSavedCondition(file({})))?.squash).toBeUndefined();
    await expect(readSavedCondition(file({ input_squash: 'strong' }))).rejects.toThrow(/input_squash/);
    await expect(readSavedCondition(file({ input_squash: '-1' }))).rejects.toThrow(SavedConditionError);
    c.dispose();
    model.dispose();
  });
});
