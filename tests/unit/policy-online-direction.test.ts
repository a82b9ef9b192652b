// Online methods that start from a directional policy writing for personas (method.start): the
// spec's checks on the start, and iterative DPO, PPO and RLOO run end to end at toy size after a
// directional arm: they begin exactly at its policy (iteration 0's truth is its answers'; PPO's
// first rollout has no KL to its reference), write with the personas' directions, and a run
// resumed after the directional arm trains it again to the same trajectory.
import { describe, expect, it } from 'vitest';
import { folderLmLoader } from '../../src/experiments/node/load-lm';
import { loadBuiltin } from '../../src/experiments/prepare';
import { runPolicy } from '../../src/experiments/policy/runner';
import { CONDITION_FILE } from '../../src/experiments/policy/save';
import { parsePolicySpec } from '../../src/experiments/policy/spec';
import { policyPresetSpec } from '../../src/experiments/policy/presets';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import { SpecError } from '../../src/experiments/spec/schema';
import type { PolicyRecord, PolicyRunEvent } from '../../src/protocol/policy';
import { createBackend } from '../../src/tensor';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';
const DIRECTIONAL = { kind: 'directional-dpo', dims: 4, placement: 'embedding', conditionLr: 1e-2, personas: true, judge: { questions: 2, baseDirections: 1, sweepAngles: 3 } };
const LORA = { rank: 2, alpha: 4 };
const TRAIN = { mode: 'lora', lora: LORA, epochs: 1, batchSize: 4, lr: 5e-4, maxPairs: 8, maxLength: 128, logEvery: 1 };

function pathOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).path;
  }
  throw new Error('parsed');
}

describe('method.start: the spec', () => {
  const spec = (start: unknown, extra: { first?: Record<string, unknown>; train?: Record<string, unknown> } = {}) => ({
    arms: [
      { label: 'direction', method: { ...DIRECTIONAL, ...extra.first }, train: TRAIN },
      { label: 'online', method: { kind: 'ppo', start }, train: { ...TRAIN, ...extra.train } },
    ],
  });

  it('defaults to null (the base) and accepts an earlier directional arm that writes for personas', () => {
    expect(parsePolicySpec({ arms: [{ label: 'p', method: { kind: 'ppo' } }] }).arms[0].method).toMatchObject({ start: null });
    expect(parsePolicySpec(spec('direction')).arms[1].method).toMatchObject({ start: 'direction' });
  });

  it('the online-direction preset: three online arms from the dpo-direction preset’s conditional arm, unchanged', () => {
    const p = policyPresetSpec('online-direction');
    expect(p.arms.map((a) => a.method.kind)).toEqual(['directional-dpo', 'iterative-dpo', 'ppo', 'rloo']);
    for (const a of p.arms.slice(1)) expect(a.method).toMatchObject({ start: p.arms[0].label });
    // The same arm as dpo-direction's (label included: it seeds the LoRA start), so it trains the same policy.
    expect(p.arms[0]).toEqual(policyPresetSpec('dpo-direction').arms[0]);
    // The same evaluation but for 300 seen personas, for the paired change of iterative DPO's utility.
    expect(p.eval).toEqual({ ...policyPresetSpec('dpo-direction').eval, seenPersonas: 300 });
    // What the sixth session's sweep chose: PPO's value head detached, every online arm at lr 2e-4;
    // the eighth: the head starts at the first rollout's mean score and moves at its own rate.
    expect(p.arms[2].method).toMatchObject({ valueHead: 'detached', klCoef: 0.2, valueInit: 'mean-score', valueLr: 1e-3 });
    for (const a of p.arms.slice(1)) expect(a.train.lr).toBe(2e-4);
  });

  it('refuses a missing or later arm, an arm that does not write for personas, and training that differs', () => {
    expect(pathOf(() => parsePolicySpec(spec('nobody')))).toBe('arms[1].method.start');
    expect(pathOf(() => parsePolicySpec({ arms: [{ label: 'online', method: { kind: 'rloo', start: 'direction' }, train: TRAIN }, { label: 'direction', method: DIRECTIONAL, train: TRAIN }] }))).toBe('arms[0].method.start');
    expect(pathOf(() => parsePolicySpec(spec('direction', { first: { personas: false } })))).toBe('arms[1].method.start');
    expect(pathOf(() => parsePolicySpec({ arms: [{ label: 'direction', method: { kind: 'dpo' }, train: TRAIN }, { label: 'online', method: { kind: 'iterative-dpo', start: 'direction' }, train: TRAIN }] }))).toBe('arms[1].method.start');
    expect(pathOf(() => parsePolicySpec(spec('direction', { train: { mode: 'full' } })))).toBe('arms[1].train.mode');
    expect(pathOf(() => parsePolicySpec(spec('direction', { train: { lora: { rank: 4, alpha: 4 } } })))).toBe('arms[1].train.lora');
  });
});

describe('online methods from a directional policy (tiny checkpoint, cpu)', () => {
  const input = {
    name: 'online-direction-toy',
    seed: 3,
    base: { kind: 'path', path: TINY },
    data: { source: 'builtin', personas: 40, questionsPerPersona: 8 },
    arms: [
      { label: 'direction', conditioning: { kind: 'preset', name: 'all' }, method: DIRECTIONAL, train: TRAIN },
      { label: 'iterative', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'iterative-dpo', start: 'direction', iterations: 2, samplesPerPrompt: 2 }, train: { ...TRAIN, maxPairs: 4, epochs: 1 } },
      { label: 'ppo', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'ppo', start: 'direction', rolloutsPerStep: 4, ppoEpochs: 1 }, train: { ...TRAIN, maxPairs: 8 } },
      { label: 'rloo', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'rloo', start: 'direction', k: 2, rolloutsPerStep: 2 }, train: { ...TRAIN, maxPairs: 4 } },
    ],
    eval: { seenPersonas: 3, unseenPersonas: 3, questionsPerPersona: 2, maxNewTokens: 4, batchSize: 8 },
  };
  const saved = new Map<string, { files: Record<string, unknown>; objectives?: string[] }>();
  const env = async (store: MemoryRunStore<PolicyRecord>) => ({
    backend: await createBackend('cpu'),
    adapter: null,
    store,
    loadData: loadBuiltin,
    loadBase: (_b: unknown, backend: never) => folderLmLoader(TINY, 'tiny')('builtin', backend),
    appVersion: 'test',
    checkpointEvery: 1,
    savePolicy: async (_run: string, _arm: number, label: string, s: { files: Record<string, unknown>; objectives?: string[] }) => {
      saved.set(label, s);
      return label;
    },
  });

  it('starts every online arm at the directional policy and writes with the personas’ directions; a resume trains the start again to the same trajectory', async () => {
    const store = new MemoryRunStore<PolicyRecord>();
    const record = await runPolicy(input, await env(store));
    expect(record.status, record.error?.message).toBe('done');
    const [d, it, ppo, rloo] = record.arms;
    for (const a of [it, ppo, rloo]) {
      expect(a.start).toBe('direction');
      expect(a.conditioning).toBe('direction read from all');
      expect(a.method).toMatch(/from "direction"$/);
      // The arm's own reading of the evaluation personas: the start arm's reward model, trained again the same way.
      expect(a.personaDirections!.rewardModel).toMatch(/^conditional \(all\)/);
      expect(a.personaDirections!.directions).toEqual(d.personaDirections!.directions);
      expect(a.eval.map((s) => s.set)).toEqual(['seen', 'unseen']);
      expect(a.answers).toHaveLength(12);
    }
    // Saved with the start's direction table, as a directional policy is.
    for (const label of ['direction', 'iterative', 'ppo', 'rloo']) expect(saved.get(label)!.files[CONDITION_FILE]).toBeInstanceOf(Uint8Array);
    expect(saved.get('ppo')!.objectives).toEqual(d.personaDirections!.objectives);
    expect(saved.get('ppo')!.files[CONDITION_FILE]).toEqual(saved.get('direction')!.files[CONDITION_FILE]);
    // Iteration 0 is the start policy: its greedy answers to the seen prompts are the directional arm's.
    expect(it.iterations![0].utility.mean).toBeCloseTo(d.eval[0].meanUtility, 9);
    expect(it.iterations).toHaveLength(3);
    // PPO's and RLOO's first rollouts come from the policy its reference is: no KL yet.
    expect(ppo.curve[0]['objective/kl']).toBeCloseTo(0, 5);
    expect(rloo.curve[0]['objective/kl']).toBeCloseTo(0, 5);

    // Stopped in the PPO arm, resumed: the directional arm is done, so its policy is trained again.
    const store2 = new MemoryRunStore<PolicyRecord>();
    const ac = new AbortController();
    const stopped = await runPolicy(input, await env(store2), {
      signal: ac.signal,
      onEvent: (e: PolicyRunEvent) => {
        if (e.kind === 'metrics' && e.armLabel === 'ppo' && e.point.step === 1) ac.abort();
      },
    });
    expect(stopped.status).toBe('cancelled');
    const events: string[] = [];
    const resumed = await runPolicy(input, await env(store2), { runId: stopped.id, onEvent: (e) => e.kind === 'progress' && events.push(e.message) });
    expect(resumed.status, resumed.error?.message).toBe('done');
    expect(events.some((m) => m.includes('training its start "direction" again'))).toBe(true);
    for (const j of [1, 2, 3]) {
      expect(resumed.arms[j].curve).toEqual(record.arms[j].curve);
      expect(resumed.arms[j].answers).toEqual(record.arms[j].answers);
    }
    // The done arm's record is as it was.
    expect(resumed.arms[0].curve).toEqual(record.arms[0].curve);
    expect(resumed.arms[0].directional).toEqual(record.arms[0].directional);
  }, 600_000);
});
