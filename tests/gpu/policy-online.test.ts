// The online Stage-2 methods on the webgpu backend (Dawn; SwiftShader without a GPU) at toy size,
// through the same runner the CLI uses: iterative DPO (LoRA), PPO (full finetuning, value head)
// and RLOO (LoRA) each sample on the GPU, train a few steps and are judged, with TRL's metric
// names finite at every step. Sampling at temperature 1 may pick other tokens than the cpu
// backend (float rounding), so curves are not compared across backends here; the unit tests
// check the trajectories. The reward model is a transparent test double of the interface: the
// truth judge's score plus length/1000 (the tiny model's answers are unreadable and would tie).
import { beforeAll, describe, expect, it } from 'vitest';
import { isBuiltin, judgeAnswer, type BuiltinDataset } from '../../src/data';
import { folderLmLoader } from '../../src/experiments/node/load-lm';
import { loadBuiltin } from '../../src/experiments/prepare';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import type { PolicyRewardModel } from '../../src/experiments/policy/reward';
import { runPolicy } from '../../src/experiments/policy/runner';
import { parsePolicySpec } from '../../src/experiments/policy/spec';
import type { PolicyRecord } from '../../src/protocol/policy';
import { createBackend, type Backend } from '../../src/tensor';
import { testGpu } from '../helpers/node-gpu';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';
const DATA = { source: 'builtin', personas: 12, questionsPerPersona: 3 } as const;
let gpu: Backend;
let ds: BuiltinDataset;

beforeAll(async () => {
  gpu = await createBackend('webgpu', await testGpu());
  const d = await loadBuiltin(parsePolicySpec({ data: DATA, arms: [{ label: 'a' }] }).data);
  if (!isBuiltin(d)) throw new Error('not the built-in world');
  ds = d;
});

const rewardModel = (): PolicyRewardModel => ({
  runId: 'toy',
  arm: 'truth + length',
  description: 'test double: planted utility + length/1000',
  score: async (items) => items.map((it) => judgeAnswer(ds, it.personaId, it.questionId, it.answer).score + it.answer.length / 1000),
  dispose() {},
});

const lora = { mode: 'lora', epochs: 1, batchSize: 2, lr: 0.01, maxPairs: 2, maxLength: 48, logEvery: 1 };
const ARMS = [
  { label: 'iterative DPO', method: { kind: 'iterative-dpo', iterations: 2, samplesPerPrompt: 2, rewardModelRun: 'toy' }, train: lora, names: ['loss', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected'] },
  { label: 'PPO', method: { kind: 'ppo', rolloutsPerStep: 2, ppoEpochs: 2, rewardModelRun: 'toy' }, train: { ...lora, mode: 'full', lr: 0.0005 }, names: ['objective/kl', 'objective/scores', 'objective/rlhf_reward', 'policy/approxkl_avg', 'policy/clipfrac_avg', 'loss/policy_avg', 'loss/value_avg'] },
  { label: 'RLOO', method: { kind: 'rloo', rolloutsPerStep: 1, k: 2, rewardModelRun: 'toy' }, train: lora, names: ['objective/kl', 'objective/scores', 'objective/rlhf_reward', 'policy/approxkl_avg', 'policy/clipfrac_avg', 'loss/policy_avg'] },
];

describe('online policy methods on webgpu', () => {
  for (const a of ARMS) {
    it(`${a.label} samples, trains and is judged`, async () => {
      const r: PolicyRecord = await runPolicy(
        {
          name: `toy-webgpu ${a.label}`,
          seed: 2,
          base: { kind: 'path', path: TINY },
          data: DATA,
          arms: [{ label: a.label, conditioning: { kind: 'custom', attributes: ['age'] }, method: a.method, train: a.train }],
          eval: { seenPersonas: 1, unseenPersonas: 1, questionsPerPersona: 1, maxNewTokens: 3, batchSize: 2 },
        },
        {
          backend: gpu,
          adapter: null,
          store: new MemoryRunStore<PolicyRecord>(),
          loadData: loadBuiltin,
          loadBase: (_b, backend) => folderLmLoader(TINY, 'tiny')('builtin', backend),
          appVersion: 'test',
          loadRewardModel: async () => rewardModel(),
        },
      );
      expect(r.status, r.error?.message).toBe('done');
      const curve = r.arms[0].curve;
      expect(curve.length).toBeGreaterThan(0);
      for (const p of curve) for (const k of a.names) expect(Number.isFinite(p[k]), `${k} at step ${p.step}`).toBe(true);
      if (a.label === 'iterative DPO') expect(curve[0].loss).toBeCloseTo(Math.log(2), 4);
      expect(r.arms[0].eval.map((e) => e.answers)).toEqual([1, 1]);
    }, 600_000);
  }
});
