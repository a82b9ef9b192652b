// The language-model methods on the tiny random test checkpoint (numbers are meaningless; the
// plumbing is what is tested): roleplay and few-shot readouts give probabilities that are exactly
// order-symmetric, the LM reward models train in every mode without touching the shared model,
// and a run without a model says so.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../src/experiments/prepare';
import { runExperiment, type RunnerEnv } from '../../src/experiments/runner';
import { promptLm, type LoadedLm } from '../../src/experiments/lm/loaded';
import { folderLmLoader } from '../../src/experiments/node/load-lm';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import { PromptingPredictor } from '../../src/experiments/scorers/prompting';
import { createBackend, type Backend } from '../../src/tensor';

const DIR = 'tests/fixtures/tiny-checkpoint/qwen2-f32';
let be: Backend;
const loads: LoadedLm[] = [];
beforeAll(async () => {
  be = await createBackend('cpu');
});

function env(extra: Partial<RunnerEnv> = {}): RunnerEnv {
  const inner = folderLmLoader(DIR, 'tiny test model');
  return {
    backend: be,
    adapter: null,
    store: new MemoryRunStore(),
    loadData: loadBuiltin,
    appVersion: 'test',
    loadLanguageModel: async (s, b) => {
      const lm = await inner(s, b);
      loads.push(lm);
      return lm;
    },
    ...extra,
  };
}

const data = { source: 'builtin', personas: 12, questionsPerPersona: 3 };
const lm = { kind: 'lm', maxTokens: 96, dims: 4 };
const small = { epochs: 1, batchSize: 4, lr: 0.01, maxPairs: 8, logEvery: 1 };

describe('language-model methods', () => {
  it('roleplay and few-shot run with both readouts', async () => {
    const record = await runExperiment(
      {
        name: 'baselines',
        data,
        eval: { maxPairsPerSet: 10 },
        arms: [
          { label: 'roleplay choice', method: { kind: 'roleplay', readout: 'choice' }, model: lm },
          { label: 'roleplay likelihood', method: { kind: 'roleplay', readout: 'likelihood' }, model: lm },
          { label: 'few-shot 2', method: { kind: 'few-shot', k: 2, readout: 'choice' }, model: lm },
          { label: 'few-shot 1 likelihood', method: { kind: 'few-shot', k: 1, readout: 'likelihood' }, model: lm },
        ],
      },
      env(),
    );
    expect(record.error).toBeUndefined();
    expect(record.arms.map((a) => a.status)).toEqual(['done', 'done', 'done', 'done']);
    for (const a of record.arms) for (const s of a.sets) expect(s.accuracy).toBeGreaterThanOrEqual(0);
    expect(record.arms[0].model).toMatch(/choice-token probabilities over both orders/);
    expect(record.arms[2].model).toMatch(/2 examples/);
  });

  it('reads both orders: a pair and the same pair with the labels swapped sum to exactly one', async () => {
    const loaded = await folderLmLoader(DIR, 'tiny test model')('builtin', be);
    const pool = { train: [], other: [] };
    const pair = { id: 'x', set: 'cross' as const, personaId: 'p', questionId: 'q', instruction: 'Should I save or spend?', chosen: 'Save it all, every cent.', rejected: 'Spend it on a trip!', strength: 1 };
    const swapped = { ...pair, chosen: pair.rejected, rejected: pair.chosen };
    for (const readout of ['choice', 'likelihood'] as const) {
      const pred = new PromptingPredictor(promptLm(loaded), { readout, k: 0, personaText: () => 'age: 40', examples: () => pool, seed: 1, maxTokens: 96 });
      const [a, b] = await pred.predict([pair, swapped]);
      expect(a + b).toBeCloseTo(1, 6);
      expect(a).not.toBe(0.5);
    }
    loaded.model.dispose();
  });

  it('LM reward models train in every mode and leave the shared model as it was', async () => {
    const arms = [
      { label: 'joint full pairwise', method: { kind: 'reward-model', loss: 'pairwise' }, model: { ...lm, input: 'joint', mode: 'full' }, train: small },
      { label: 'separate bt', method: { kind: 'reward-model', loss: 'bradley-terry' }, model: { ...lm, input: 'separate' }, train: small },
      { label: 'separate marginal', method: { kind: 'reward-model', loss: 'pairwise' }, subset: { kind: 'preset', name: 'none' }, model: { ...lm, input: 'separate' }, train: small },
      { label: 'joint frozen', method: { kind: 'reward-model', loss: 'bradley-terry' }, model: { ...lm, input: 'joint' }, train: small },
      { label: 'joint frozen pairwise', method: { kind: 'reward-model', loss: 'pairwise' }, model: { ...lm, input: 'joint' }, train: small },
      { label: 'joint lora', method: { kind: 'reward-model', loss: 'bradley-terry' }, model: { ...lm, input: 'joint', mode: 'lora', lora: { rank: 2 } }, train: small },
    ];
    loads.length = 0;
    const before: Float32Array[] = [];
    let unchanged = true;
    const record = await runExperiment({ name: 'lm-rm', data, eval: { maxPairsPerSet: 10 }, arms }, env({
      buildPredictor: async (ctx) => {
        const shared = (await ctx.lm()).model.namedParameters();
        if (before.length === 0) for (const [, t] of shared) before.push(((await t.data()) as Float32Array).slice());
        else for (const [i, [, t]] of shared.entries()) unchanged &&= ((await t.data()) as Float32Array).every((v, j) => v === before[i][j]);
        const { buildPredictor } = await import('../../src/experiments/methods');
        return buildPredictor(ctx);
      },
    }));
    expect(record.error).toBeUndefined();
    expect(record.arms.map((a) => a.status)).toEqual(arms.map(() => 'done'));
    // The full finetune's own weights moved (it trained), on its private copy.
    expect(record.arms[0].final.steps).toBe(2);
    for (const a of record.arms) {
      expect(a.curve.length).toBe(2);
      expect(Number.isFinite(a.final.loss)).toBe(true);
    }
    expect(record.arms[5].model).toMatch(/LoRA r=2/);
    expect(record.arms[0].model).toMatch(/full finetune/);
    // One shared model plus one private copy for the full finetune, which left the shared one alone.
    expect(loads).toHaveLength(2);
    expect(before.length).toBeGreaterThan(0);
    expect(unchanged).toBe(true);
  });

  it('says clearly when no language model is available', async () => {
    const record = await runExperiment({ data, arms: [{ label: 'rp', method: { kind: 'roleplay' }, model: lm }] }, env({ loadLanguageModel: undefined }));
    expect(record.status).toBe('failed');
    expect(record.error?.name).toBe('ModelUnavailableError');
    expect(record.error?.message).toMatch(/built-in model/);
  });
});
