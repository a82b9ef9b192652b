// The joint Bradley–Terry LM reward model's readouts and response forms (model.readout, model.answer):
// the spec refuses them where they mean nothing, 'mean' and 'likelihood' train on the tiny test
// checkpoint, and on the built-in model 'pole-odds' has the structure of the planted utility: an
// answer with no pole scores 0, and an answer against its mirror (every pole reversed) gets twice
// its log-odds against the neutral answer.
import { beforeAll, describe, expect, it } from 'vitest';
import { candidatePoles, neutralPoles, type BuiltinDataset, type PreferencePair } from '../../src/data';
import { makeResponse } from '../../src/data/builtin/responses';
import { builtinStyleTurns } from '../../src/experiments/lm/builtin-turns';
import { folderLmLoader } from '../../src/experiments/node/load-lm';
import { loadBuiltin } from '../../src/experiments/prepare';
import { runExperiment } from '../../src/experiments/runner';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import { LmJointScorer } from '../../src/experiments/scorers/lm-reward';
import { parseSpec } from '../../src/experiments/spec/validate';
import { createBackend, type Backend } from '../../src/tensor';
import type { ModelSpec } from '../../src/protocol/spec';

let be: Backend;
beforeAll(async () => {
  be = await createBackend('cpu');
});

const bt = { kind: 'reward-model', loss: 'bradley-terry' };
const arm = (model: object, method: object = bt) => ({ arms: [{ label: 'a', method, model: { kind: 'lm', ...model } }] });

describe('joint reward model readouts: the spec', () => {
  it('fills the defaults and keeps what is given', () => {
    const m = parseSpec(arm({ input: 'joint' })).arms[0].model as Extract<ModelSpec, { kind: 'lm' }>;
    expect([m.readout, m.answer]).toEqual(['last', 'plain']);
    const o = parseSpec(arm({ input: 'joint', mode: 'full', readout: 'pole-odds', answer: 'style' })).arms[0].model as Extract<ModelSpec, { kind: 'lm' }>;
    expect([o.readout, o.answer]).toEqual(['pole-odds', 'style']);
  });

  it('refuses them where they mean nothing, naming the field', () => {
    expect(() => parseSpec(arm({ input: 'joint', readout: 'mean' }, { kind: 'reward-model', loss: 'pairwise' }))).toThrow(/arms\[0\]\.model\.readout/);
    expect(() => parseSpec(arm({ input: 'separate', readout: 'likelihood' }))).toThrow(/arms\[0\]\.model\.readout/);
    expect(() => parseSpec(arm({ readout: 'likelihood' }, { kind: 'roleplay' }))).toThrow(/arms\[0\]\.model\.readout/);
    expect(() => parseSpec(arm({ input: 'separate', answer: 'turn' }))).toThrow(/arms\[0\]\.model\.answer/);
    expect(() => parseSpec(arm({ input: 'joint', readout: 'pole-odds', answer: 'turn' }))).toThrow(/arms\[0\]\.model\.answer: must be "style"/);
    expect(() => parseSpec(arm({ input: 'joint', readout: 'median' }))).toThrow(/arms\[0\]\.model\.readout/);
  });
});

describe('joint reward model readouts: training', () => {
  it('mean and likelihood readouts train on a checkpoint that is not the built-in model; pole-odds says it needs it', async () => {
    const small = { epochs: 1, batchSize: 4, lr: 0.01, maxPairs: 8, logEvery: 1 };
    const lm = { kind: 'lm', maxTokens: 96, input: 'joint', lora: { rank: 2 } };
    const arms = [
      { label: 'mean lora', method: bt, model: { ...lm, mode: 'lora', readout: 'mean' }, train: small },
      { label: 'likelihood full', method: bt, model: { ...lm, mode: 'full', readout: 'likelihood', answer: 'turn' }, train: small },
      { label: 'mean frozen', method: bt, model: { ...lm, readout: 'mean' }, train: small },
    ];
    const env = { backend: be, adapter: null, store: new MemoryRunStore(), loadData: loadBuiltin, appVersion: 'test', loadLanguageModel: folderLmLoader('tests/fixtures/tiny-checkpoint/qwen2-f32', 'tiny test model') };
    const data = { source: 'builtin', personas: 12, questionsPerPersona: 3 };
    const record = await runExperiment({ name: 'readouts', data, eval: { maxPairsPerSet: 10 }, arms }, env);
    expect(record.error).toBeUndefined();
    expect(record.arms.map((a) => a.status)).toEqual(['done', 'done', 'done']);
    for (const a of record.arms) {
      expect(a.curve.length).toBe(2);
      expect(Number.isFinite(a.final.loss)).toBe(true);
    }
    expect(record.arms[0].model).toMatch(/mean response state/);
    // Not the built-in model: the plain answer, whatever `answer` asks.
    expect(record.arms[1].model).toMatch(/log-likelihood/);
    expect(record.arms[1].model).not.toMatch(/turn for each/);
    const odds = await runExperiment({ name: 'odds', data, arms: [{ label: 'odds', method: bt, model: { ...lm, mode: 'full', readout: 'pole-odds', answer: 'style' }, train: small }] }, env);
    expect(odds.status).toBe('failed');
    expect(odds.error?.message).toMatch(/pole-odds.*built-in model/);
  });
});

describe('the pole-odds readout on the built-in model', () => {
  it('scores an answer with no pole 0 and an answer against its mirror twice its odds against the neutral answer', async () => {
    const ds = (await loadBuiltin({ source: 'builtin', seed: 1, personas: 8, questionsPerPersona: 2, noise: 0.8 })) as BuiltinDataset;
    const lm = await folderLmLoader()('builtin', be);
    const spec = parseSpec(arm({ input: 'joint', mode: 'lora', readout: 'pole-odds', answer: 'style' })).arms[0].model as Extract<ModelSpec, { kind: 'lm' }>;
    const persona = ds.personas[0];
    const style = builtinStyleTurns(ds);
    const mirror = builtinStyleTurns(ds, { flip: true });
    const scorer = new LmJointScorer(be, lm, spec, {
      loss: 'bradley-terry',
      seed: 1,
      personaText: () => 'age: 40',
      answerTurn: (t, q, id) => style(t, q, id, persona.attributes),
      mirrorTurn: (t, q, id) => mirror(t, q, id, persona.attributes),
    });
    const q = ds.questions[3];
    const pair = (a: readonly number[], b: readonly number[]): PreferencePair => {
      const [x, y] = [makeResponse(q, a), makeResponse(q, b)];
      return { id: `${x.id}|${y.id}`, set: 'cross', personaId: persona.id, questionId: q.id, instruction: q.text, chosen: x.text, rejected: y.text, chosenId: x.id, rejectedId: y.id, strength: 1 };
    };
    const neutral = neutralPoles(q);
    const answer = candidatePoles(q)[5];
    const flipped = answer.map((x) => -x);
    const logit = (p: number) => Math.log(p / (1 - p));
    const [vsNeutral, vsMirror, neutralVsNeutral] = await scorer.predict([pair(answer, neutral), pair(answer, flipped), pair(neutral, neutral)]);
    expect(neutralVsNeutral).toBe(0.5);
    expect(Math.abs(logit(vsNeutral))).toBeGreaterThan(1e-3);
    // The same log-probs from differently padded batches: equal to float32 rounding.
    expect(logit(vsMirror)).toBeCloseTo(2 * logit(vsNeutral), 2);
    scorer.dispose();
    lm.model.dispose();
  });
});
