// A policy run on the webgpu backend (Dawn; SwiftShader without a GPU) at toy size: offline DPO
// on the tiny Llama checkpoint with a LoRA adapter, two steps and a few generated tokens, through
// the same runner the CLI uses. Its first step's loss is log 2 (the policy starts as the
// reference), its metrics carry TRL's names, and its curve matches the cpu backend's.
import { beforeAll, describe, expect, it } from 'vitest';
import { folderLmLoader } from '../../src/experiments/node/load-lm';
import { loadBuiltin } from '../../src/experiments/prepare';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import { runPolicy } from '../../src/experiments/policy/runner';
import type { PolicyRecord } from '../../src/protocol/policy';
import { createBackend, type Backend } from '../../src/tensor';
import { testGpu } from '../helpers/node-gpu';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';
let gpu: Backend;
let cpu: Backend;

beforeAll(async () => {
  gpu = await createBackend('webgpu', await testGpu());
  cpu = await createBackend('cpu');
});

const spec = {
  name: 'toy-webgpu',
  seed: 2,
  base: { kind: 'path', path: TINY },
  data: { source: 'builtin', personas: 12, questionsPerPersona: 3 },
  arms: [{ label: 'dpo', conditioning: { kind: 'custom', attributes: ['age'] }, method: { kind: 'dpo', beta: 0.1 }, train: { mode: 'lora', epochs: 1, batchSize: 2, lr: 0.01, maxPairs: 4, maxLength: 48, logEvery: 1 } }],
  eval: { seenPersonas: 1, unseenPersonas: 1, questionsPerPersona: 1, maxNewTokens: 2, batchSize: 2 },
};

function run(be: Backend): Promise<PolicyRecord> {
  return runPolicy(spec, {
    backend: be,
    adapter: null,
    store: new MemoryRunStore<PolicyRecord>(),
    loadData: loadBuiltin,
    loadBase: (_b, backend) => folderLmLoader(TINY, 'tiny')('builtin', backend),
    appVersion: 'test',
  });
}

describe('policy run on webgpu', () => {
  it('trains a DPO step and evaluates, as the cpu backend does', async () => {
    const g = await run(gpu);
    expect(g.status, g.error?.message).toBe('done');
    const c = await run(cpu);
    const curve = g.arms[0].curve;
    expect(curve).toHaveLength(2);
    expect(curve[0].loss).toBeCloseTo(Math.log(2), 5);
    for (const k of ['rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected']) {
      curve.forEach((p, i) => expect(Math.abs(p[k] - c.arms[0].curve[i][k]), `${k} at step ${p.step}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(p[k]))));
    }
    expect(g.arms[0].eval.map((e) => e.answers)).toEqual([1, 1]);
  }, 600_000);
});
