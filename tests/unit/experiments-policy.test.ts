// Stage-2 policy specs and runner on the cpu backend at toy size (the tiny Llama checkpoint, a
// 12-persona built-in world): field-path errors, defaults and the URL round trip; every preset
// validates; offline DPO lowers its loss and raises rewards/accuracies
// (TRL names), is judged by the truth for seen and unseen personas, stops on cancel with its
// checkpoint, resumes to the same trajectory bit for bit, and stops on a non-finite loss by name.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/models/load-model';
import { memoryFiles } from '../../src/models/io/memory-files';
import { folderLmLoader } from '../../src/experiments/node/load-lm';
import { loadBuiltin } from '../../src/experiments/prepare';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import { POLICY_PRESETS, policyPresetSpec } from '../../src/experiments/policy/presets';
import { runPolicy, type PolicyRunnerEnv } from '../../src/experiments/policy/runner';
import { decodePolicySpec, encodePolicySpec, parsePolicySpec } from '../../src/experiments/policy/spec';
import { SpecError } from '../../src/experiments/spec/schema';
import type { PolicyRecord, PolicyRunEvent } from '../../src/protocol/policy';
import { createBackend, type Backend } from '../../src/tensor';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';

function fieldError(value: unknown): SpecError {
  try {
    parsePolicySpec(value);
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('the spec parsed');
}

const arm = (extra: Record<string, unknown> = {}) => ({ label: 'a', ...extra });

describe('policy specs', () => {
  it('fills defaults: the persona-blind SFT base, the default world, sigmoid DPO', () => {
    const s = parsePolicySpec({ arms: [arm()] });
    expect(s.base).toEqual({ kind: 'builtin-policy' });
    expect(s.data).toMatchObject({ source: 'builtin', seed: 1, personas: 1000 });
    expect(s.arms[0].method).toMatchObject({ kind: 'dpo', loss: 'sigmoid', beta: 0.1, labelSmoothing: 0, pairs: 'both' });
    expect(s.arms[0].conditioning).toEqual({ kind: 'preset', name: 'all' });
    expect(s.eval.rewardModelRun).toBeNull();
  });

  it('names the field at fault', () => {
    expect(fieldError({ arms: [arm({ method: { kind: 'dpo', beta: -1 } })] }).path).toBe('arms[0].method.beta');
    expect(fieldError({ arms: [arm({ method: { kind: 'dpo', loss: 'kto' } })] }).path).toBe('arms[0].method.loss');
    expect(fieldError({ arms: [arm({ train: { lr: 0 } })] }).path).toBe('arms[0].train.lr');
    expect(fieldError({ arms: [arm({ train: { mode: 'lora', lora: { rank: 0 } } })] }).path).toBe('arms[0].train.lora.rank');
    expect(fieldError({ arms: [arm({ train: { mode: 'lora', lora: { targets: ['q_proj', 'attn'] } } })] }).path).toBe('arms[0].train.lora.targets[1]');
    expect(fieldError({ arms: [arm({ train: { mode: 'lora', lora: { targets: [] } } })] }).path).toBe('arms[0].train.lora.targets');
    expect(fieldError({ arms: [arm({ conditioning: { kind: 'custom', attributes: ['shoe size'] } })] }).path).toBe('arms[0].conditioning.attributes[0]');
    expect(fieldError({ arms: [arm({ betta: 1 })] }).path).toBe('arms[0].betta');
    expect(fieldError({ data: { source: 'builtin', skew: { height: 0.7 } }, arms: [arm()] }).path).toBe('data.skew.height');
    expect(fieldError({ data: { source: 'path', path: 'x' }, arms: [arm()] }).path).toBe('data.source');
    expect(fieldError({ eval: { samples: 0 }, arms: [arm()] }).path).toBe('eval.samples');
    expect(fieldError({ arms: [arm(), arm()] }).path).toBe('arms[1].label');
    expect(fieldError({ arms: [] }).path).toBe('arms');
  });

  it('online methods (iterative DPO, PPO, RLOO) check their fields and fill their defaults', () => {
    for (const kind of ['iterative-dpo', 'ppo', 'rloo']) expect(parsePolicySpec({ arms: [arm({ method: { kind } })] }).arms[0].method).toMatchObject({ kind, rewardModelRun: null });
    expect(fieldError({ arms: [arm({ method: { kind: 'ppo', cliprange: 2 } })] }).path).toBe('arms[0].method.cliprange');
    expect(fieldError({ arms: [arm({ method: { kind: 'rloo', k: 1 } })] }).path).toBe('arms[0].method.k');
  });

  it('round-trips through a URL, defaults dropped', () => {
    const s = parsePolicySpec({ name: 'x', seed: 9, data: { source: 'builtin', skew: { formality: 0.7 } }, arms: [arm({ method: { kind: 'dpo', loss: 'simpo', beta: 2 }, train: { mode: 'lora' } })] });
    const text = encodePolicySpec(s);
    expect(decodePolicySpec(text)).toEqual(s);
    expect(text.length).toBeLessThan(encodeURIComponent(JSON.stringify(s)).length / 2);
    expect(() => decodePolicySpec(text.slice(0, 10))).toThrow(SpecError);
  });

  it('presets: every one validates', () => {
    for (const p of POLICY_PRESETS) expect(policyPresetSpec(p.name).arms.length).toBeGreaterThan(0);
    expect(policyPresetSpec('dpo').arms.map((a) => a.conditioning.kind)).toEqual(['custom', 'preset']);
    expect(policyPresetSpec('ppo').arms.map((a) => a.method.kind)).toEqual(['ppo', 'rloo']);
    expect(policyPresetSpec('iterative-dpo').arms[0].method).toMatchObject({ kind: 'iterative-dpo', iterations: 3 });
  });
});

describe('policy runner (tiny checkpoint, cpu)', () => {
  let be: Backend;
  beforeAll(async () => {
    be = await createBackend('cpu');
  });

  const spec = (train: Record<string, unknown> = {}, label = 'conditional DPO', method: Record<string, unknown> = {}) => ({
    name: 'toy',
    seed: 3,
    base: { kind: 'path', path: TINY },
    data: { source: 'builtin', personas: 16, questionsPerPersona: 4 },
    arms: [{ label, conditioning: { kind: 'custom', attributes: ['age'] }, method: { kind: 'dpo', pairs: 'both', beta: 0.1, ...method }, train: { mode: 'full', epochs: 3, batchSize: 4, lr: 0.0005, maxPairs: 16, maxLength: 128, logEvery: 1, ...train } }],
    eval: { seenPersonas: 2, unseenPersonas: 2, questionsPerPersona: 1, maxNewTokens: 6, batchSize: 4 },
  });

  const env = (store: MemoryRunStore<PolicyRecord>): PolicyRunnerEnv => ({
    backend: be,
    adapter: null,
    store,
    loadData: loadBuiltin,
    loadBase: (_base, backend) => folderLmLoader(TINY, 'tiny')('builtin', backend),
    appVersion: 'test',
    checkpointEvery: 2,
  });

  let full: PolicyRecord;

  it('trains by DPO: the loss falls and rewards/accuracies rise; the truth judges seen and unseen answers', async () => {
    const store = new MemoryRunStore<PolicyRecord>();
    const events: PolicyRunEvent[] = [];
    let saved: Record<string, string | Uint8Array> = {};
    full = await runPolicy(spec(), { ...env(store), savePolicy: async (_id, arm, label, s) => ((saved = s.files), `${s.kind}:${arm}:${label}`) }, { onEvent: (e) => events.push(e) });
    expect(full.status, full.error?.message).toBe('done');
    const a = full.arms[0];
    expect(a.curve.length).toBe(12);
    const first = a.curve[0];
    // The last epoch's four batches, on average (one batch alone is noisy).
    const lastEpoch = a.curve.slice(-4);
    const avg = (k: string) => lastEpoch.reduce((s, p) => s + p[k], 0) / lastEpoch.length;
    const last: Record<string, number> = { ...a.curve[a.curve.length - 1], loss: avg('loss'), 'rewards/accuracies': avg('rewards/accuracies'), 'rewards/margins': avg('rewards/margins') };
    // At step 1 the policy is the reference: loss log 2, every implicit reward 0 (a tie counts wrong).
    expect(first.loss).toBeCloseTo(Math.log(2), 4);
    expect(first['rewards/accuracies']).toBe(0);
    expect(last.loss).toBeLessThan(first.loss - 0.1);
    expect(last['rewards/accuracies']).toBeGreaterThan(0.5);
    expect(last['rewards/margins']).toBeGreaterThan(0);
    for (const k of ['rewards/chosen', 'rewards/rejected', 'logps/chosen', 'logps/rejected']) expect(Number.isFinite(last[k])).toBe(true);
    expect(a.eval.map((e) => e.set)).toEqual(['seen', 'unseen']);
    for (const e of a.eval) {
      expect(e.answers).toBe(2);
      expect(e.vsBase.rate).toBeGreaterThanOrEqual(0);
      expect(e.vsBase.lo).toBeLessThanOrEqual(e.vsBase.rate);
      expect(Number.isFinite(e.kl)).toBe(true);
      // A tiny untrained vocabulary writes nothing the judge can read.
      expect(e.invalidRate).toBe(1);
    }
    expect(a.answers).toHaveLength(4);
    // The saved policy is a checkpoint with the base's config and tokenizer: it loads, and it is not the base.
    expect(a.saved).toBe('full:0:conditional DPO');
    const files: Record<string, string | Uint8Array> = { 'model.safetensors': saved['model.safetensors'] };
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) files[f] = readFileSync(`${TINY}/${f}`, 'utf8');
    const trained = await loadModel(be, memoryFiles(files));
    const base = await folderLmLoader(TINY, 'tiny')('builtin', be);
    const w = async (m: typeof base.model) => Array.from((await m.namedParameters()[0][1].data()) as Float32Array);
    expect(await w(trained.model)).not.toEqual(await w(base.model));
    trained.model.dispose();
    base.model.dispose();
    expect(full.judges.rewardModel.status).toBe('missing');
    // How much time is left is etaSeconds's (tests/unit/run-eta.test.ts); a toy run may end within the second it needs to say.
    const progress = events.filter((e) => e.kind === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    for (const e of progress) expect(e.etaSeconds === null || (Number.isFinite(e.etaSeconds) && e.etaSeconds >= 0)).toBe(true);
    expect(events.filter((e) => e.kind === 'metrics')).toHaveLength(12);
    expect(events[events.length - 1]).toMatchObject({ kind: 'result', final: true });
  }, 300_000);

  it('cancels with its checkpoint kept, then resumes to the same trajectory bit for bit', async () => {
    const store = new MemoryRunStore<PolicyRecord>();
    const ac = new AbortController();
    const events: PolicyRunEvent[] = [];
    const stopped = await runPolicy(spec(), env(store), {
      signal: ac.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.kind === 'metrics' && e.point.step === 7) ac.abort();
      },
    });
    expect(stopped.status).toBe('cancelled');
    expect(stopped.arms[0].status).toBe('cancelled');
    expect(events.find((e) => e.kind === 'error')).toMatchObject({ name: 'CancelledError', checkpointKept: true });
    expect((await store.getCheckpoint(stopped.id, 0))?.step).toBe(6);
    const resumed = await runPolicy(spec(), env(store), { runId: stopped.id });
    expect(resumed.status).toBe('done');
    expect(resumed.arms[0].final.resumed_from_step).toBe(6);
    expect(resumed.arms[0].curve).toEqual(full.arms[0].curve);
    expect(resumed.arms[0].answers).toEqual(full.arms[0].answers);
    expect(resumed.arms[0].eval).toEqual(full.arms[0].eval);
    expect(await store.getCheckpoint(stopped.id, 0)).toBeNull();
  }, 300_000);

  it('LoRA adapts the projections the spec names (default q and v), and saves them as target_modules', async () => {
    expect(parsePolicySpec({ arms: [arm({ train: { mode: 'lora' } })] }).arms[0].train.lora.targets).toEqual(['q_proj', 'v_proj']);
    let saved: Record<string, string | Uint8Array> = {};
    const r = await runPolicy(spec({ mode: 'lora', epochs: 1, maxPairs: 4, lora: { rank: 2, targets: ['gate_proj', 'down_proj', 'o_proj'] } }), { ...env(new MemoryRunStore<PolicyRecord>()), savePolicy: async (_id, _arm, _label, s) => ((saved = s.files), 'memory') });
    expect(r.status, r.error?.message).toBe('done');
    expect(r.arms[0].training).toContain('on gate,down,o');
    const config = JSON.parse(String(saved['adapter_config.json'])) as { target_modules: string[] };
    expect([...config.target_modules].sort()).toEqual(['down_proj', 'gate_proj', 'o_proj']);
  }, 300_000);

  it('baselines without training: roleplay is the base itself (every answer ties, KL 0); few-shot writes with examples', async () => {
    const s = { ...spec(), arms: [{ label: 'roleplay', conditioning: { kind: 'custom', attributes: ['age'] }, method: { kind: 'roleplay' } }, { label: 'few-shot', conditioning: { kind: 'custom', attributes: ['age'] }, method: { kind: 'few-shot', k: 1 } }] };
    const r = await runPolicy(s, env(new MemoryRunStore<PolicyRecord>()));
    expect(r.status, r.error?.message).toBe('done');
    for (const e of r.arms[0].eval) {
      expect(e.vsBase.rate).toBe(0.5);
      expect(e.kl).toBe(0);
    }
    expect(r.arms[0].training).toBe('none');
    expect(r.arms[1].answers).toHaveLength(4);
    expect(r.arms[1].eval.every((e) => Number.isFinite(e.kl))).toBe(true);
  }, 300_000);

  it('stops on a non-finite loss with NonFiniteLossError naming the step', async () => {
    const store = new MemoryRunStore<PolicyRecord>();
    // IPO's target margin 1/(2β) squared overflows float32 when β is tiny: the loss is infinite at once.
    const r = await runPolicy(spec({}, 'exploding', { loss: 'ipo', beta: 1e-30 }), env(store));
    expect(r.status).toBe('failed');
    expect(r.error?.name).toBe('NonFiniteLossError');
    expect(r.arms[0].error).toMatch(/step \d+/);
  }, 300_000);
});
