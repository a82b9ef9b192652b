// Stage-1 reward models kept for Stage 2, on the cpu backend: a Stage-1 run on a small built-in
// world keeps each trained bag-of-features arm (Bradley–Terry and pairwise) in its store; loaded
// back by run id it scores text bit for bit as the trained model did; on the world's answer texts
// (and on a generated-looking variant) it ranks the persona's Bayes-best answer above a random
// one far more often than chance; and each bad reference fails with RewardModelUnavailableError.
import { beforeAll, describe, expect, it } from 'vitest';
import { bayesBestAnswer, isBuiltin, responseText, type BuiltinDataset } from '../../src/data';
import { summarize } from '../../src/cli/commands/experiment-run';
import { buildPredictor } from '../../src/experiments/methods';
import { loadStage1RewardModel, parseRewardModelRef, type Stage1RewardSource } from '../../src/experiments/policy/stage1-reward';
import { RewardModelUnavailableError } from '../../src/experiments/policy/reward';
import { loadBuiltin } from '../../src/experiments/prepare';
import { presetSpec } from '../../src/experiments/presets';
import { runExperiment } from '../../src/experiments/runner';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import { BagScorer } from '../../src/experiments/scorers/bag-scorer';
import { parseSpec } from '../../src/experiments/spec/validate';
import type { RunRecord } from '../../src/protocol/record';
import type { ExperimentSpec } from '../../src/protocol/spec';
import { Rng } from '../../src/util/rng';
import { createBackend, type Backend } from '../../src/tensor';

let be: Backend;
let world: BuiltinDataset;
let store: MemoryRunStore;
let record: RunRecord;
/** What each trained model said, in memory, just before the run kept it: arm label -> rewards. */
const inMemory = new Map<string, Float32Array>();
/** Items scored in memory and after loading: generated-looking texts for the world's personas. */
let probe: { personaId: string; text: string }[];

const DATA = { source: 'builtin', personas: 60, questionsPerPersona: 8 };

function spec(): ExperimentSpec {
  const tiny = presetSpec('tiny');
  const [conditional, marginal] = tiny.arms;
  const train = { ...conditional.train, epochs: 6 };
  return parseSpec({
    ...tiny,
    name: 'kept models',
    data: DATA,
    arms: [
      { ...conditional, train },
      { ...marginal, train },
      { ...conditional, label: 'conditional pairwise', method: { kind: 'reward-model', loss: 'pairwise' }, train },
    ],
  });
}

const source = (w: () => Promise<BuiltinDataset> = async () => world): Stage1RewardSource => ({ store, where: 'the test store', backend: be, world: w });

/** A generated-looking variant of an answer: lower case, no punctuation, a sentence the world never writes. */
const garbled = (text: string) => `${text.toLowerCase().replace(/[.,!]/g, '')} hope this helps`;

beforeAll(async () => {
  be = await createBackend('cpu');
  const ds = await loadBuiltin(parseSpec({ ...presetSpec('tiny'), data: DATA }).data);
  if (!isBuiltin(ds)) throw new Error('not the built-in world');
  world = ds;
  const rng = new Rng(7);
  probe = Array.from({ length: 40 }, (_, i) => {
    const p = world.personas[i % world.personas.length];
    const q = world.questions[rng.int(world.questions.length)];
    return { personaId: p.id, text: i % 2 ? garbled(bayesBestAnswer(world, p.id, q.id).text) : responseText(q, q.axes.map(() => (rng.next() < 0.5 ? 1 : -1))) };
  });
  store = new MemoryRunStore();
  record = await runExperiment(spec(), {
    backend: be,
    adapter: null,
    store,
    loadData: loadBuiltin,
    appVersion: 'test',
    // The real builder; its model also records its rewards on the probe when the run keeps it.
    buildPredictor: async (ctx) => {
      const p = await buildPredictor(ctx);
      if (p instanceof BagScorer) {
        const save = p.save.bind(p);
        p.save = async () => {
          inMemory.set(ctx.arm.label, await p.rewards(probe));
          return save();
        };
      }
      return p;
    },
  });
  expect(record.status).toBe('done');
}, 300_000);

describe('kept Stage-1 reward models', () => {
  it('every trained arm is kept, its size in the record', async () => {
    for (const [i, a] of record.arms.entries()) {
      expect(a.savedModel?.kind).toBe('bag-of-features');
      expect(a.savedModel!.bytes).toBeGreaterThan(1000);
      expect(a.savedModel!.bytes).toBeLessThan(2_000_000);
      const kept = await store.getModel(record.id, i);
      expect(kept?.label).toBe(a.label);
      expect(kept?.datasetId).toBe(world.id);
    }
    expect(summarize(record)).toMatch(new RegExp(`kept reward models \\(.*--reward-model ${record.id}\\[#ARM\\]\\): conditional \\d+ KiB, marginal \\d+ KiB`));
  });

  it('loads by run id and arm, scoring text bit for bit as the trained model did', async () => {
    for (const label of ['conditional', 'marginal', 'conditional pairwise']) {
      const rm = await loadStage1RewardModel(source(), `${record.id}#${label}`);
      expect(rm.runId).toBe(record.id);
      expect(rm.arm).toBe(label);
      const scores = await rm.score(probe.map((x) => ({ personaId: x.personaId, questionId: '', instruction: '', answer: x.text })));
      expect(Float32Array.from(scores)).toEqual(inMemory.get(label));
      expect(scores.every(Number.isFinite)).toBe(true);
      rm.dispose();
    }
  });

  it('without an arm, picks the conditional arm with the best held-out accuracy and says so', async () => {
    const rm = await loadStage1RewardModel(source(), record.id);
    const acc = (label: string) => {
      const a = record.arms.find((x) => x.label === label)!;
      const sets = a.sets.filter((s) => s.set !== 'generic');
      return sets.reduce((n, s) => n + s.correct, 0) / sets.reduce((n, s) => n + s.n, 0);
    };
    expect(rm.arm).toBe(acc('conditional') >= acc('conditional pairwise') ? 'conditional' : 'conditional pairwise');
    expect(rm.description).toMatch(/best held-out accuracy of 2 conditional arms/);
    expect(rm.description).toContain(record.id);
    rm.dispose();
  });

  it('ranks the Bayes-best answer above a random one far more often than chance, also as generated-looking text', async () => {
    const rm = await loadStage1RewardModel(source(), `${record.id}#conditional`);
    const rng = new Rng(11);
    const items: { personaId: string; questionId: string; instruction: string; answer: string }[] = [];
    for (const p of world.personas) {
      for (let k = 0; k < 4; k++) {
        const q = world.questions[rng.int(world.questions.length)];
        const best = bayesBestAnswer(world, p.id, q.id);
        const random = q.axes.map(() => (rng.next() < 0.5 ? 1 : -1));
        if (random.every((x, i) => x === best.poles[i])) continue;
        const base = { personaId: p.id, questionId: q.id, instruction: q.text };
        items.push({ ...base, answer: best.text }, { ...base, answer: responseText(q, random) });
      }
    }
    const winRate = async (f: (t: string) => string) => {
      const s = await rm.score(items.map((x) => ({ ...x, answer: f(x.answer) })));
      let wins = 0;
      for (let i = 0; i < s.length; i += 2) wins += s[i] > s[i + 1] ? 1 : s[i] === s[i + 1] ? 0.5 : 0;
      return wins / (s.length / 2);
    };
    const plain = await winRate((t) => t);
    const generated = await winRate(garbled);
    // Chance is 50%; about 220 comparisons, so 62% is far outside chance's spread (sd 3.4%).
    expect(plain).toBeGreaterThan(0.62);
    expect(generated).toBeGreaterThan(0.62);
    rm.dispose();
  });

  it('names what is wrong: no such run, not done, untrained or unkept arm, another world', async () => {
    const fails = async (ref: string, pattern: RegExp, src = source()) => {
      const e = await loadStage1RewardModel(src, ref).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(RewardModelUnavailableError);
      expect((e as Error).message).toMatch(pattern);
    };
    await fails('run-nope', /No Stage-1 run run-nope in the test store/);
    await fails(`${record.id}#nope`, /has no arm "nope".*"conditional", "marginal"/);
    // An unfinished run, and a record written before runs kept models (no savedModel, nothing stored).
    await store.putRecord({ ...structuredClone(record), id: 'run-unfinished', status: 'failed' });
    await fails('run-unfinished', /run-unfinished is failed, not done: resume it/);
    const old = structuredClone(record);
    old.id = 'run-old';
    for (const a of old.arms) delete a.savedModel;
    await store.putRecord(old);
    await fails('run-old', /kept no conditional reward model.*run the spec again/);
    await fails('run-old#marginal', /Arm "marginal" of Stage-1 run run-old has no reward model to load: the run kept no model/);
    // A roleplay arm trains nothing.
    const roleplay = structuredClone(record);
    roleplay.id = 'run-roleplay';
    roleplay.spec = parseSpec({ ...roleplay.spec, arms: [{ label: 'roleplay', method: { kind: 'roleplay' }, subset: { kind: 'preset', name: 'all' }, model: { kind: 'lm' } }] });
    roleplay.arms = [{ ...record.arms[0], label: 'roleplay', savedModel: undefined }];
    await store.putRecord(roleplay);
    await fails('run-roleplay#roleplay', /roleplay .*trains no reward model/);
    // The policy's world is another one (another seed).
    const other = await loadBuiltin(parseSpec({ ...presetSpec('tiny'), data: { ...DATA, seed: 2 } }).data);
    await fails(record.id, /trained its reward model on builtin-s1-p60-q8.*this policy's world is builtin-s2-p60-q8/, source(async () => other as BuiltinDataset));
  });

  it('reads RUN_ID and RUN_ID#ARM references', () => {
    expect(parseRewardModelRef('run-a')).toEqual({ runId: 'run-a', arm: null });
    expect(parseRewardModelRef('run-a#conditional pairwise')).toEqual({ runId: 'run-a', arm: 'conditional pairwise' });
    expect(parseRewardModelRef('run-a#')).toEqual({ runId: 'run-a', arm: null });
  });
});
