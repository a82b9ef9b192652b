// The online Stage-2 methods in the policy runner on the cpu backend at toy size (the tiny Llama
// checkpoint, a 16-persona built-in world): iterative DPO, PPO and RLOO each run, log TRL's metric
// names, stop on cancel with a checkpoint and resume to the same curves and answers bit for bit
// (from the memory store, and from the CLI's file store for iterative DPO's richer checkpoint);
// iterative DPO records the truth's reading of every iteration's policy with intervals; an arm
// whose spec names no reward model trains Stage 1's bag-of-features one and says so; one naming a
// run the environment cannot load fails on that field.
// The reward model here is a test double of the PolicyRewardModel interface, transparent on
// purpose: the truth judge's score of the answer for its persona (the planted utility; an
// unreadable answer gets the persona's worst) plus its length in characters / 1000, so the tiny
// model's unreadable answers do not all tie. It is never used outside tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { judgeAnswer, isBuiltin, type BuiltinDataset } from '../../src/data';
import { FileRunStore } from '../../src/experiments/node/file-store';
import { folderLmLoader } from '../../src/experiments/node/load-lm';
import { loadBuiltin } from '../../src/experiments/prepare';
import { MemoryRunStore, type RunStore } from '../../src/experiments/runs/store';
import { bestWorstPairs, pairedChange } from '../../src/experiments/policy/online-dpo';
import { onlineSteps } from '../../src/experiments/policy/ppo';
import type { PolicyRewardItem, PolicyRewardModel } from '../../src/experiments/policy/reward';
import { runPolicy, type PolicyRunnerEnv } from '../../src/experiments/policy/runner';
import { parsePolicySpec } from '../../src/experiments/policy/spec';
import type { PolicyRecord, PolicyRunEvent } from '../../src/protocol/policy';
import { createBackend, type Backend } from '../../src/tensor';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';
const DATA = { source: 'builtin', personas: 16, questionsPerPersona: 4 } as const;

function truthDouble(ds: BuiltinDataset, calls: { n: number }): PolicyRewardModel {
  return {
    runId: 'toy',
    arm: 'truth + length',
    description: 'test double: planted utility + length/1000',
    async score(items: readonly PolicyRewardItem[]) {
      calls.n += items.length;
      return items.map((it) => judgeAnswer(ds, it.personaId, it.questionId, it.answer).score + it.answer.length / 1000);
    },
    dispose() {},
  };
}

const TRAIN = { mode: 'full', epochs: 1, batchSize: 2, lr: 0.0005, maxPairs: 4, maxLength: 128, logEvery: 1 };
const METHODS = {
  'iterative-dpo': { kind: 'iterative-dpo', iterations: 2, samplesPerPrompt: 2, beta: 0.1, rewardModelRun: 'toy' },
  ppo: { kind: 'ppo', rolloutsPerStep: 2, ppoEpochs: 2, rewardModelRun: 'toy' },
  rloo: { kind: 'rloo', rolloutsPerStep: 2, k: 2, rewardModelRun: 'toy' },
} as const;
type Kind = keyof typeof METHODS;

const spec = (kind: Kind, method: Record<string, unknown> = {}, train: Record<string, unknown> = {}) => ({
  name: `toy ${kind}`,
  seed: 5,
  base: { kind: 'path', path: TINY },
  data: DATA,
  arms: [{ label: kind, conditioning: { kind: 'custom', attributes: ['age'] }, method: { ...METHODS[kind], ...method }, train: { ...TRAIN, ...train } }],
  eval: { seenPersonas: 2, unseenPersonas: 2, questionsPerPersona: 1, maxNewTokens: 6, batchSize: 4 },
});

const TRL: Record<Kind, string[]> = {
  'iterative-dpo': ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected', 'objective/scores'],
  ppo: ['objective/kl', 'objective/scores', 'objective/rlhf_reward', 'objective/entropy', 'objective/non_score_reward', 'policy/approxkl_avg', 'policy/clipfrac_avg', 'loss/policy_avg', 'loss/value_avg', 'val/clipfrac_avg'],
  rloo: ['objective/kl', 'objective/scores', 'objective/rlhf_reward', 'policy/approxkl_avg', 'policy/clipfrac_avg', 'loss/policy_avg'],
};

describe('online methods: the pieces', () => {
  it('pairs best against worst per prompt, drops ties, first of equals', () => {
    expect(bestWorstPairs([1, 3, 2, 5, 5, 5, 0, 0, -1], 3)).toEqual({ pairs: [{ prompt: 0, best: 1, worst: 0 }, { prompt: 2, best: 6, worst: 8 }], ties: 1 });
  });

  it('reads the paired change of utility: mean and interval of the differences, answers that rose and fell', () => {
    // Differences 1, 0, 0, -1, 2: mean 0.4, sd sqrt(1.3), 95% half-width 1.96 * sqrt(1.3 / 5).
    const c = pairedChange([3, 1, 2, 0, 4], [2, 1, 2, 1, 2], 0.95);
    const half = 1.959964 * Math.sqrt(1.3 / 5);
    expect(c).toMatchObject({ n: 5, rose: 2, fell: 1 });
    expect(c.mean).toBeCloseTo(0.4, 12);
    expect(c.lo).toBeCloseTo(0.4 - half, 5);
    expect(c.hi).toBeCloseTo(0.4 + half, 5);
    expect(() => pairedChange([1], [1, 2], 0.95)).toThrow(RangeError);
  });

  it('sizes a run: epochs over the prompt pool, rollouts a step', () => {
    expect(onlineSteps(10, 1, 4)).toEqual({ prompts: 10, steps: 3 });
    expect(onlineSteps(10, 0.5, 4)).toEqual({ prompts: 5, steps: 2 });
  });
});

describe('online methods in the policy runner (tiny checkpoint, cpu)', () => {
  let be: Backend;
  let ds: BuiltinDataset;
  const calls = { n: 0 };
  beforeAll(async () => {
    be = await createBackend('cpu');
    const d = await loadBuiltin(parsePolicySpec(spec('ppo')).data);
    if (!isBuiltin(d)) throw new Error('not the built-in world');
    ds = d;
  });

  const env = (store: RunStore<PolicyRecord>, extra: Partial<PolicyRunnerEnv> = {}): PolicyRunnerEnv => ({
    backend: be,
    adapter: null,
    store,
    loadData: loadBuiltin,
    loadBase: (_base, backend) => folderLmLoader(TINY, 'tiny')('builtin', backend),
    appVersion: 'test',
    checkpointEvery: 1,
    loadRewardModel: async (id) => {
      if (id !== 'toy') throw new Error(`unexpected reward model ${id}`);
      return truthDouble(ds, calls);
    },
    ...extra,
  });

  const full = new Map<Kind, PolicyRecord>();

  for (const kind of Object.keys(METHODS) as Kind[]) {
    it(`${kind}: trains with the reward model, logs TRL's names, is judged by the truth`, async () => {
      const before = calls.n;
      const events: PolicyRunEvent[] = [];
      const r = await runPolicy(spec(kind), env(new MemoryRunStore<PolicyRecord>()), { onEvent: (e) => events.push(e) });
      expect(r.status, r.error?.message).toBe('done');
      full.set(kind, r);
      const a = r.arms[0];
      expect(calls.n).toBeGreaterThan(before);
      expect(a.rewardModel).toMatch(/test double/);
      expect(a.curve.length).toBeGreaterThan(0);
      for (const p of a.curve) for (const k of TRL[kind]) expect(Number.isFinite(p[k]), `${k} at step ${p.step}`).toBe(true);
      expect(a.curve.map((p) => p.step)).toEqual(a.curve.map((_, j) => j + 1));
      expect(events.filter((e) => e.kind === 'metrics')).toHaveLength(a.curve.length);
      const training = events.filter((e) => e.kind === 'progress' && e.phase === 'train');
      expect(training.length).toBeGreaterThan(0);
      expect(training.every((e) => e.kind === 'progress' && e.fraction > 0 && e.fraction < 1)).toBe(true);
      expect(a.eval.map((e) => e.set)).toEqual(['seen', 'unseen']);
      expect(a.answers).toHaveLength(4);
      // The reward model the arm optimized reads its answers beside the truth: here the truth plus
      // length / 1000, so it can only split the truth's ties (each worth a half): |gap| ≤ 0.5.
      for (const e of a.eval) {
        const own = e.optimizedRewardModel!;
        expect(own.vsBase.n).toBe(e.answers);
        expect(own.hackingGap).toBeCloseTo(own.vsBase.rate - e.vsBase.rate, 12);
        expect(Math.abs(own.hackingGap)).toBeLessThanOrEqual(0.5);
        expect(Number.isFinite(own.meanScore) && Number.isFinite(own.baseMeanScore)).toBe(true);
        expect(e.rewardModel).toBeUndefined();
      }
      if (kind === 'iterative-dpo') {
        const its = a.iterations!;
        expect(its.map((x) => x.iteration)).toEqual([0, 1, 2]);
        for (const x of its) {
          expect(x.utility.n).toBe(2);
          expect(x.utility.lo).toBeLessThanOrEqual(x.utility.mean);
          expect(x.utility.hi).toBeGreaterThanOrEqual(x.utility.mean);
          expect(x.vsBase.n).toBe(2);
        }
        expect(its[0].meanScore).toBeNull();
        // The paired changes: a mean of differences is the difference of the means.
        expect(its[0].change).toBeUndefined();
        for (const x of its.slice(1)) {
          const c = x.change!;
          expect(c.vsStart.n).toBe(2);
          expect(c.vsStart.mean).toBeCloseTo(x.utility.mean - its[0].utility.mean, 12);
          expect(c.vsPrevious.mean).toBeCloseTo(x.utility.mean - its[x.iteration - 1].utility.mean, 12);
          expect(c.vsStart.rose + c.vsStart.fell).toBeLessThanOrEqual(2);
        }
        expect(its[1].change!.vsPrevious).toEqual(its[1].change!.vsStart);
        // The reward model reads the same evaluation answers as the truth: here truth + length/1000,
        // so its mean sits a little above the utility's, and its paired change is the change of its means.
        for (const x of its) {
          const e = x.evalScore!;
          expect(e.n).toBe(2);
          expect(e.mean - x.utility.mean).toBeGreaterThan(0);
          expect(e.mean - x.utility.mean).toBeLessThan(0.5);
          if (x.iteration === 0) expect(e.vsStart).toBeUndefined();
          else expect(e.vsStart!.mean).toBeCloseTo(e.mean - its[0].evalScore!.mean, 12);
        }
        for (const x of its.slice(1)) {
          expect(x.prompts).toBe(4);
          expect(x.pairs + x.ties).toBe(4);
          expect(Number.isFinite(x.meanScore)).toBe(true);
        }
        // The first DPO step of an iteration starts at its reference: the loss is log 2.
        expect(a.curve[0].loss).toBeCloseTo(Math.log(2), 4);
        expect(a.curve.filter((p) => p.iteration === 2)[0].loss).toBeCloseTo(Math.log(2), 4);
      } else {
        // Two steps of two prompts; PPO's first update is on-policy: its ratio is 1, nothing clipped.
        expect(a.curve).toHaveLength(2);
        expect(a.curve[0].rollouts).toBe(kind === 'rloo' ? 4 : 2);
        if (kind === 'rloo') expect(a.curve[0]['loss/value_avg']).toBeUndefined();
      }
    }, 300_000);
  }

  for (const kind of Object.keys(METHODS) as Kind[]) {
    it(`${kind}: cancels with its checkpoint kept, then resumes to the same curve and answers bit for bit`, async () => {
      const store = new MemoryRunStore<PolicyRecord>();
      const ac = new AbortController();
      const events: PolicyRunEvent[] = [];
      const stopAt = kind === 'iterative-dpo' ? a0(full.get(kind)!).curve.find((p) => p.iteration === 2)!.step : 1;
      const stopped = await runPolicy(spec(kind), env(store), {
        signal: ac.signal,
        onEvent: (e) => {
          events.push(e);
          if (e.kind === 'metrics' && e.point.step === stopAt) ac.abort();
        },
      });
      expect(stopped.status).toBe('cancelled');
      expect(events.find((e) => e.kind === 'error')).toMatchObject({ name: 'CancelledError', checkpointKept: true });
      const kept = await store.getCheckpoint(stopped.id, 0);
      expect(kept).not.toBeNull();
      // Stopped inside iteration 2: its checkpoint carries iteration 1's answer utilities, which
      // iteration 2's paired change is taken against (the toy's answers all tie, so the resumed
      // record alone could not tell them from the start's).
      if (kind === 'iterative-dpo') expect((kept as unknown as { online: { lastUtilities?: number[] } }).online.lastUtilities).toHaveLength(2);
      const resumed = await runPolicy(spec(kind), env(store), { runId: stopped.id });
      expect(resumed.status, resumed.error?.message).toBe('done');
      const want = a0(full.get(kind)!);
      const got = a0(resumed);
      expect(got.final.resumed_from_step).toBeGreaterThan(0);
      expect(got.curve).toEqual(want.curve);
      expect(got.iterations).toEqual(want.iterations);
      expect(got.answers).toEqual(want.answers);
      expect(got.eval).toEqual(want.eval);
      expect(await store.getCheckpoint(stopped.id, 0)).toBeNull();
    }, 300_000);
  }

  it('iterative DPO resumes from the CLI\'s file store too (its checkpoint survives JSON)', async () => {
    const store = new FileRunStore<PolicyRecord>(await mkdtemp(join(tmpdir(), 'policy-online-')));
    const ac = new AbortController();
    const want = a0(full.get('iterative-dpo')!);
    const stopAt = want.curve.find((p) => p.iteration === 2)!.step;
    const stopped = await runPolicy(spec('iterative-dpo'), env(store), { signal: ac.signal, onEvent: (e) => e.kind === 'metrics' && e.point.step === stopAt && ac.abort() });
    expect(stopped.status).toBe('cancelled');
    const resumed = await runPolicy(spec('iterative-dpo'), env(store), { runId: stopped.id });
    expect(resumed.status, resumed.error?.message).toBe('done');
    expect(a0(resumed).curve).toEqual(want.curve);
    expect(a0(resumed).iterations).toEqual(want.iterations);
    expect(a0(resumed).answers).toEqual(want.answers);
    await rm(store.dir, { recursive: true, force: true });
  }, 300_000);

  it('LoRA: RLOO trains an adapter on the frozen base', async () => {
    const r = await runPolicy(spec('rloo', {}, { mode: 'lora', lr: 0.01 }), env(new MemoryRunStore<PolicyRecord>()));
    expect(r.status, r.error?.message).toBe('done');
    expect(r.arms[0].training).toMatch(/LoRA/);
    expect(r.arms[0].curve.every((p) => Number.isFinite(p['loss/policy_avg']) && p.grad_norm > 0)).toBe(true);
    expect(r.arms[0].eval.every((e) => Number.isFinite(e.kl))).toBe(true);
  }, 300_000);

  it('without a named reward model, trains Stage 1\'s bag-of-features model on the run\'s training pairs and says so', async () => {
    const r = await runPolicy(spec('rloo', { rewardModelRun: null }), env(new MemoryRunStore<PolicyRecord>(), { loadRewardModel: undefined }));
    expect(r.status, r.error?.message).toBe('done');
    expect(r.arms[0].rewardModel).toMatch(/bag-of-features reward model trained in this run/);
  }, 300_000);

  it('temperature: PPO samples and reads its log-probs at it (the first update starts at ratio 1); low temperatures sample the likelier tokens', async () => {
    const entropy = async (temperature: number) => {
      const r = await runPolicy(spec('ppo', { temperature }, { epochs: 0.5 }), env(new MemoryRunStore<PolicyRecord>()));
      expect(r.status, r.error?.message).toBe('done');
      expect(r.arms[0].method).toMatch(temperature === 1 ? /rollouts\)$/ : new RegExp(`at temperature ${temperature}\\)$`));
      return r.arms[0].curve[0]['objective/entropy'];
    };
    // Σ −log p of the sampled tokens, read at the sampling temperature: far lower when it is low.
    const cold = await entropy(0.05);
    const warm = await entropy(1);
    expect(cold).toBeLessThan(0.5 * warm);
    expect(parsePolicySpec(spec('iterative-dpo')).arms[0].method).toMatchObject({ temperature: 1 });
    expect(() => parsePolicySpec(spec('rloo', { temperature: 0 }))).toThrow(/arms\[0\]\.method\.temperature/);
  }, 300_000);

  it('valueHead detached: the value loss trains only its head, so its weight leaves the policy as it was; shared, it moves the trunk', async () => {
    // One step (its advantages come from the rollout's values, so the critic's updates cannot reach
    // them) of three updates: the third reads the policy after two AdamW steps (a first step alone
    // is lr·sign(g), blind to how large the value gradient is). No gradient clipping: a global clip
    // norm would couple the head to the policy through the scale.
    const policyOf = async (valueHead: string, vfCoef: number) => {
      const r = await runPolicy(spec('ppo', { valueHead, vfCoef, ppoEpochs: 3 }, { epochs: 0.5, clipNorm: null }), env(new MemoryRunStore<PolicyRecord>()));
      expect(r.status, r.error?.message).toBe('done');
      const a = r.arms[0];
      return { kl: a.curve.map((p) => [p['objective/kl'], p['policy/approxkl_avg']]), answers: a.answers, value: a.curve.map((p) => p['loss/value_avg']), method: a.method };
    };
    const d0 = await policyOf('detached', 0);
    const d5 = await policyOf('detached', 5);
    expect(d5.kl).toEqual(d0.kl);
    expect(d5.answers).toEqual(d0.answers);
    expect(d5.value).not.toEqual(d0.value);
    expect(d0.kl[0][1]).toBeGreaterThan(0);
    expect(d0.method).toMatch(/detached value head/);
    const s0 = await policyOf('shared', 0);
    const s5 = await policyOf('shared', 5);
    expect(s0.kl).toEqual(d0.kl);
    expect(s5.kl[0][1]).not.toBe(s0.kl[0][1]);
    expect(s0.method).not.toMatch(/detached/);
    expect(parsePolicySpec(spec('ppo')).arms[0].method).toMatchObject({ valueHead: 'shared' });
    expect(() => parsePolicySpec(spec('ppo', { valueHead: 'separate' }))).toThrow(/arms\[0\]\.method\.valueHead/);
  }, 300_000);

  it("valueInit mean-score starts V at the first rollout's mean score; valueLr moves the head at its own rate, not the policy", async () => {
    // Scores 20 above the planted utility, like the real reward model's raw scale: a head at V = 0
    // starts about 20 below every return.
    const offset = (calls2: { n: number }): PolicyRewardModel => {
      const truth = truthDouble(ds, calls2);
      return { ...truth, score: async (items) => (await truth.score(items)).map((x) => x + 20) };
    };
    const run = async (method: Record<string, unknown>) => {
      const r = await runPolicy(spec('ppo', { valueHead: 'detached', ppoEpochs: 3, ...method }, { epochs: 0.5, clipNorm: null }), env(new MemoryRunStore<PolicyRecord>(), { loadRewardModel: async () => offset({ n: 0 }) }));
      expect(r.status, r.error?.message).toBe('done');
      const a = r.arms[0];
      return { value: a.curve[0]['loss/value_avg'], kl: a.curve.map((p) => [p['objective/kl'], p['policy/approxkl_avg']]), answers: a.answers, method: a.method };
    };
    const zero = await run({});
    const started = await run({ valueInit: 'mean-score' });
    const fast = await run({ valueLr: 0.05 });
    // Half the squared error of returns up to 20 (GAE's λ discounts the score toward the answer's
    // start while V = 0), against about the scores' spread once V starts at their mean: measured
    // 75.7 and 0.20.
    expect(zero.value).toBeGreaterThan(20);
    expect(started.value).toBeLessThan(0.05 * zero.value);
    expect(started.method).toMatch(/V started at the first rollout's mean score/);
    // A faster head lowers its loss within the step's updates (the value clip lets each rollout
    // move V by 0.2 at most: a small but strict drop); detached, the policy is untouched by it.
    expect(fast.value).toBeLessThan(zero.value);
    expect(fast.kl).toEqual(zero.kl);
    expect(fast.answers).toEqual(zero.answers);
    expect(fast.method).toMatch(/value lr 0\.05/);
    expect(parsePolicySpec(spec('ppo')).arms[0].method).toMatchObject({ valueLr: null, valueInit: 'zero' });
    expect(() => parsePolicySpec(spec('ppo', { valueInit: 'reward-model' }))).toThrow(/arms\[0\]\.method\.valueInit/);
    expect(() => parsePolicySpec(spec('ppo', { valueLr: 0 }))).toThrow(/arms\[0\]\.method\.valueLr/);
  }, 300_000);

  it('a named reward model this environment cannot load fails on the field', async () => {
    const r = await runPolicy(spec('ppo'), env(new MemoryRunStore<PolicyRecord>(), { loadRewardModel: undefined }));
    expect(r.status).toBe('failed');
    expect(r.error?.name).toBe('RewardModelUnavailableError');
    expect(r.error?.message).toMatch(/arms\[0\]\.method\.rewardModelRun/);
  }, 300_000);
});

function a0(r: PolicyRecord) {
  return r.arms[0];
}
