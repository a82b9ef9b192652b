// The reward-model judge of policy runs (cpu, the tiny checkpoint, a 16-persona world): the
// verdict's arithmetic (ties half, Wilson, the reward-hacking gap) on hand-made scores; a policy
// run whose eval.rewardModelRun names a Stage-1 run judges every arm by its kept model beside the
// truth and records which model; a name that cannot be loaded stops the run with the reason.
import { beforeAll, describe, expect, it } from 'vitest';
import { summarizePolicy } from '../../src/cli/commands/policy-run';
import { isBuiltin } from '../../src/data';
import { folderLmLoader } from '../../src/experiments/node/load-lm';
import type { EvalItem } from '../../src/experiments/policy/evaluate';
import { rewardModelVerdict } from '../../src/experiments/policy/reward-judge';
import { runPolicy, type PolicyRunnerEnv } from '../../src/experiments/policy/runner';
import { loadStage1RewardModel } from '../../src/experiments/policy/stage1-reward';
import { loadBuiltin } from '../../src/experiments/prepare';
import { presetSpec } from '../../src/experiments/presets';
import { runExperiment } from '../../src/experiments/runner';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import { parseSpec } from '../../src/experiments/spec/validate';
import type { PolicyEvalSet, PolicyRecord } from '../../src/protocol/policy';
import type { RunRecord } from '../../src/protocol/record';
import { createBackend, type Backend } from '../../src/tensor';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';
const DATA = { source: 'builtin', personas: 16, questionsPerPersona: 4 } as const;

describe('rewardModelVerdict', () => {
  it('counts ties half, only on its set, and subtracts the truth win rate', () => {
    const items: EvalItem[] = [
      { set: 'seen', personaId: 'a', questionId: 'q1', instruction: '' },
      { set: 'unseen', personaId: 'b', questionId: 'q1', instruction: '' },
      { set: 'seen', personaId: 'c', questionId: 'q2', instruction: '' },
    ];
    // Two samples per item: seen answers 0,1 (win, tie) and 4,5 (loss, win); unseen 2,3 ignored.
    const policy = [2, 1, 9, 9, 0, 3];
    const base = [1, 1, 0, 0, 5, 2];
    const truth = { set: 'seen', vsBase: { n: 4, wins: 1, rate: 0.25, lo: 0, hi: 1 } } as PolicyEvalSet;
    const v = rewardModelVerdict(truth, items, 2, policy, base, 0.95);
    expect(v.vsBase.n).toBe(4);
    expect(v.vsBase.wins).toBe(2.5);
    expect(v.vsBase.rate).toBe(0.625);
    expect(v.vsBase.lo).toBeLessThan(0.625);
    expect(v.vsBase.hi).toBeGreaterThan(0.625);
    expect(v.meanScore).toBe(1.5);
    expect(v.baseMeanScore).toBe(2.25);
    expect(v.hackingGap).toBeCloseTo(0.375, 12);
  });
});

describe('policy runs judged by a Stage-1 reward model', () => {
  let be: Backend;
  let stage1: MemoryRunStore;
  let rmRun: RunRecord;
  beforeAll(async () => {
    be = await createBackend('cpu');
    stage1 = new MemoryRunStore();
    const tiny = presetSpec('tiny');
    rmRun = await runExperiment(parseSpec({ ...tiny, data: DATA }), { backend: be, adapter: null, store: stage1, loadData: loadBuiltin, appVersion: 'test' });
    expect(rmRun.status).toBe('done');
  }, 120_000);

  const spec = (rewardModelRun: string) => ({
    name: 'judged',
    seed: 3,
    base: { kind: 'path', path: TINY },
    data: DATA,
    arms: [
      { label: 'roleplay', conditioning: { kind: 'custom', attributes: ['age'] }, method: { kind: 'roleplay' } },
      { label: 'few-shot', conditioning: { kind: 'custom', attributes: ['age'] }, method: { kind: 'few-shot', k: 1 } },
    ],
    eval: { seenPersonas: 2, unseenPersonas: 2, questionsPerPersona: 2, samples: 2, temperature: 1, maxNewTokens: 6, batchSize: 8, rewardModelRun },
  });

  const env = (withLoader = true): PolicyRunnerEnv => ({
    backend: be,
    adapter: null,
    store: new MemoryRunStore<PolicyRecord>(),
    loadData: loadBuiltin,
    loadBase: (_base, backend) => folderLmLoader(TINY, 'tiny')('builtin', backend),
    appVersion: 'test',
    loadRewardModel: withLoader
      ? (ref, signal) =>
          loadStage1RewardModel(
            {
              store: stage1,
              where: 'the test store',
              backend: be,
              world: async () => {
                const ds = await loadBuiltin(parseSpec({ ...presetSpec('tiny'), data: DATA }).data);
                if (!isBuiltin(ds)) throw new Error('not built-in');
                return ds;
              },
            },
            ref,
            signal,
          )
      : undefined,
  });

  it('judges every arm by the kept model beside the truth, and names the model', async () => {
    const r = await runPolicy(spec(rmRun.id), env());
    expect(r.status, r.error?.message).toBe('done');
    const j = r.judges.rewardModel;
    expect(j.status).toBe('ok');
    if (j.status !== 'ok') return;
    expect(j.runId).toBe(rmRun.id);
    expect(j.arm).toBe('conditional');
    expect(j.description).toContain('the only conditional arm kept');
    for (const a of r.arms) {
      expect(a.eval.map((e) => e.set)).toEqual(['seen', 'unseen']);
      for (const e of a.eval) {
        const v = e.rewardModel!;
        expect(v.vsBase.n).toBe(e.answers);
        expect(Number.isFinite(v.meanScore)).toBe(true);
        expect(v.hackingGap).toBeCloseTo(v.vsBase.rate - e.vsBase.rate, 12);
      }
    }
    // Roleplay answers are the base's own: every comparison ties, by the model as by the truth.
    for (const e of r.arms[0].eval) {
      expect(e.rewardModel!.vsBase.rate).toBe(0.5);
      expect(e.rewardModel!.meanScore).toBe(e.rewardModel!.baseMeanScore);
      expect(e.rewardModel!.hackingGap).toBe(0);
    }
    // Few-shot answers differ from the base's: the model tells them apart (not all ties).
    const fs = r.arms[1].eval.map((e) => e.rewardModel!);
    expect(fs.some((v) => v.meanScore !== v.baseMeanScore)).toBe(true);
    const text = summarizePolicy(r);
    expect(text).toContain(`reward model: Stage-1 run ${rmRun.id}, arm "conditional"`);
    expect(text.match(/reward model: vs base .* reward-hacking gap [+-]\d/g)).toHaveLength(4);
  }, 300_000);

  it('stops with the reason when the named model cannot be loaded', async () => {
    const missing = await runPolicy(spec('run-nope'), env());
    expect(missing.status).toBe('failed');
    expect(missing.error?.name).toBe('RewardModelUnavailableError');
    expect(missing.judges.rewardModel).toEqual({ status: 'missing', reason: expect.stringMatching(/No Stage-1 run run-nope/) });
    const noLoader = await runPolicy(spec(rmRun.id), env(false));
    expect(noLoader.status).toBe('failed');
    expect(noLoader.error?.message).toMatch(/this environment cannot load Stage-1 reward models/);
  }, 120_000);
});
