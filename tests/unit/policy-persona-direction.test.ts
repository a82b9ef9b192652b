// A persona read as a preference direction (a directional policy writing for personas): the
// reading against a reward model whose tastes are known, the truth's agreement score, the spec
// field, and two directional arms (conditional and marginal) run end to end at toy size on a
// skewed world: one trained policy, two readings of the personas, eval sets and the skew
// comparison in the record. Averaged readers: the mean's scores, and its steadier reading.
import { describe, expect, it } from 'vitest';
import { AXIS_IDS, buildPairSets, DEFAULT_BUILTIN, isBuiltin, QUESTIONS, splitDataset, type BuiltinDataset } from '../../src/data';
import { makeResponse } from '../../src/data/builtin/responses';
import { trainOwnRewardModel } from '../../src/experiments/policy/own-reward';
import { resolveSubset } from '../../src/experiments/spec/expand';
import { folderLmLoader } from '../../src/experiments/node/load-lm';
import { loadBuiltin } from '../../src/experiments/prepare';
import { normalize } from '../../src/experiments/policy/direction';
import { poleOf } from '../../src/experiments/policy/directional';
import { flipPlan, personaDirections, questionDirection, tasteSignAgreement } from '../../src/experiments/policy/persona-direction';
import type { PolicyRewardItem, PolicyRewardModel } from '../../src/experiments/policy/reward';
import { runPolicy } from '../../src/experiments/policy/runner';
import { parsePolicySpec } from '../../src/experiments/policy/spec';
import { policyPresetSpec } from '../../src/experiments/policy/presets';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import { SpecError } from '../../src/experiments/spec/schema';
import type { PolicyRecord } from '../../src/protocol/policy';
import { createBackend } from '../../src/tensor';

/** A reward model with planted weights: Σ_axis w_p[axis] · (the pole the truth reads on that axis). */
function plantedModel(weights: Record<string, Partial<Record<string, number>>>): PolicyRewardModel & { calls: number } {
  const byId = new Map(QUESTIONS.map((q) => [q.id, q]));
  const m = {
    runId: 'planted',
    arm: 'planted',
    description: 'planted',
    calls: 0,
    async score(items: readonly PolicyRewardItem[]) {
      m.calls++;
      return items.map((it) => {
        const q = byId.get(it.questionId)!;
        const w = weights[it.personaId] ?? {};
        return q.axes.reduce((s, axis) => s + (w[axis] ?? 0) * (poleOf(q, it.answer, axis) ?? 0), 0);
      });
    },
    dispose() {},
  };
  return m;
}

describe('a persona as a direction', () => {
  const objectives = [...AXIS_IDS, 'not an axis'];
  const o = { questionsPerObjective: 3, answersPerQuestion: 2, seed: 1 };

  it('reads the planted weights back, normalized; flat personas and objectives without an axis get 0', async () => {
    const rm = plantedModel({ a: { formality: 2, religious: -1 }, b: { humour: -0.5, detail: 0.5, warmth: 3 } });
    const dirs = await personaDirections(rm, ['a', 'b', 'flat'], objectives, o);
    const expected = (w: Record<string, number>) => normalize(objectives.map((x) => w[x] ?? 0));
    dirs.get('a')!.forEach((x, k) => expect(x).toBeCloseTo(expected({ formality: 2, religious: -1 })[k], 12));
    dirs.get('b')!.forEach((x, k) => expect(x).toBeCloseTo(expected({ humour: -0.5, detail: 0.5, warmth: 3 })[k], 12));
    expect(dirs.get('flat')).toEqual(objectives.map(() => 0));
    // One scoring call per persona.
    expect(rm.calls).toBe(3);
  });

  it('flips only the objective’s own axis, on questions that use it, the same plan for every persona', () => {
    const plan = flipPlan(objectives, o);
    expect(plan.filter((f) => f.objective === objectives.length - 1)).toEqual([]);
    for (const f of plan) {
      expect(f.question.axes[f.slot]).toBe(objectives[f.objective]);
      expect(f.poles[f.slot]).toBe(-1);
    }
    for (let k = 0; k < AXIS_IDS.length; k++) expect(plan.filter((f) => f.objective === k).length).toBe(6);
    expect(flipPlan(objectives, o)).toEqual(plan);
    expect(flipPlan(objectives, { ...o, seed: 2 })).not.toEqual(plan);
  });

  it("each answer's direction: the question's objectives only, renormalized to the strength", () => {
    const q = QUESTIONS.find((x) => x.axes.length >= 2)!;
    const u = normalize(objectives.map((_, k) => k + 1));
    const v = questionDirection(u, objectives, q, 1.3);
    objectives.forEach((o, k) => ((q.axes as readonly string[]).includes(o) ? expect(v[k]).not.toBe(0) : expect(v[k]).toBe(0)));
    expect(Math.hypot(...v)).toBeCloseTo(1.3, 12);
    // Ratios between the kept components are the persona's.
    const [a, b] = q.axes.map((axis) => objectives.indexOf(axis));
    expect(v[a] / v[b]).toBeCloseTo(u[a] / u[b], 12);
    // No reading on the question's objectives: nothing to write at.
    expect(questionDirection(objectives.map((o) => ((q.axes as readonly string[]).includes(o) ? 0 : 1)), objectives, q, 1.3)).toEqual(objectives.map(() => 0));
  });

  it('the agreement with the planted tastes: 1 for the tastes themselves, 0 for their negation', async () => {
    const ds = (await loadBuiltin({ source: 'builtin', seed: 1, personas: 30, questionsPerPersona: 8, noise: DEFAULT_BUILTIN.noise })) as BuiltinDataset;
    const taste = new Map(ds.personas.map((p, i) => [p.id, AXIS_IDS.map((axis) => ds.truth.tasteOf(i, axis))]));
    expect(tasteSignAgreement(ds, taste, AXIS_IDS)).toBe(1);
    expect(tasteSignAgreement(ds, new Map([...taste].map(([id, u]) => [id, u.map((x) => -x)])), AXIS_IDS)).toBe(0);
    // Components at exactly 0 and objectives without an axis are left out, not counted as misses.
    const first = ds.personas[0].id;
    expect(tasteSignAgreement(ds, new Map([[first, [...taste.get(first)!.slice(0, 9), 0, 5]]]), [...AXIS_IDS, 'x'])).toBe(1);
  });

  it('the dpo-direction presets: conditional and marginal arms train the same policy, so it trains once', () => {
    for (const name of ['dpo-direction', 'dpo-direction-skewed']) {
      const s = policyPresetSpec(name);
      expect(s.arms.map((a) => a.conditioning.kind)).toEqual(['custom', 'preset']);
      expect(s.arms[1].method).toEqual(s.arms[0].method);
      expect(s.arms[1].train).toEqual(s.arms[0].train);
      expect(s.arms[0].method).toMatchObject({ kind: 'directional-dpo', placement: 'embedding', personas: true });
    }
    expect(policyPresetSpec('dpo-direction-skewed').data).toMatchObject({ skew: { formality: 0.7, religious: 0.7 } });
    // A minority is 30% of the personas: the skewed preset judges 300 seen and all 200 unseen.
    expect(policyPresetSpec('dpo-direction-skewed').eval).toMatchObject({ seenPersonas: 300, unseenPersonas: 200 });
    expect(policyPresetSpec('dpo-direction').eval).toMatchObject({ seenPersonas: 100, unseenPersonas: 100 });
  });

  it('the spec field needs the embedding placement', () => {
    const arm = (method: Record<string, unknown>) => ({ arms: [{ label: 'd', method: { kind: 'directional-dpo', ...method } }] });
    expect(parsePolicySpec(arm({})).arms[0].method).toMatchObject({ personas: false, personaStrength: 1.3 });
    try {
      parsePolicySpec(arm({ placement: 'embedding', personas: true, personaStrength: 0 }));
      throw new Error('parsed');
    } catch (e) {
      expect((e as SpecError).path).toBe('arms[0].method.personaStrength');
    }
    expect(parsePolicySpec(arm({ placement: 'embedding', personas: true })).arms[0].method).toMatchObject({ personas: true });
    try {
      parsePolicySpec(arm({ placement: 'system', personas: true }));
      throw new Error('parsed');
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      expect((e as SpecError).path).toBe('arms[0].method.personas');
    }
  });
});

describe('the persona reader\'s pairs on a skewed world (formality 70% formal)', () => {
  it('the marginal reader prefers the majority\'s pole once it trains on pole pairs too; generic and cross pairs do not show the majority', async () => {
    const be = await createBackend('cpu');
    const ds = await loadBuiltin(parsePolicySpec({ data: { source: 'builtin', personas: 300, skew: { formality: 0.7 } }, arms: [{ label: 'x' }] }).data);
    if (!isBuiltin(ds)) throw new Error('not the built-in world');
    const split = splitDataset(ds, { seed: 1, unseenFraction: 0.2, testFraction: 0.15 });
    const sets = buildPairSets(ds, split, { seed: 1, crossPartners: 1 });
    // Every question that uses formality: its answer at the formal pole against the casual one, all else neutral.
    const items = QUESTIONS.flatMap((q) => {
      const k = q.axes.indexOf('formality');
      return k < 0 ? [] : [1, -1].map((pole) => ({ personaId: split.seenPersonas[0], questionId: q.id, instruction: q.text, answer: makeResponse(q, q.axes.map((_, j) => (j === k ? pole : 0))).text }));
    });
    const formalShare = async (pairs: 'generic+cross' | 'generic+cross+pole') => {
      const rm = await trainOwnRewardModel(be, ds, split, sets, 1, { subset: resolveSubset({ kind: 'preset', name: 'none' }), pairs });
      try {
        const s = await rm.score(items);
        let formal = 0;
        for (let i = 0; i < s.length; i += 2) formal += s[i] > s[i + 1] ? 1 : 0;
        return { share: formal / (s.length / 2), description: rm.description };
      } finally {
        rm.dispose();
      }
    };
    const without = await formalShare('generic+cross');
    const withPole = await formalShare('generic+cross+pole');
    expect(withPole.description).toMatch(/\(generic, cross and pole\)/);
    expect(without.description).not.toMatch(/pole/);
    expect(withPole.share).toBeGreaterThanOrEqual(0.6);
    expect(withPole.share).toBeGreaterThan(without.share);
  }, 300_000);

  it('the spec field: default generic and cross; it does not change the trained policy, so arms that differ in it share one', () => {
    const arm = (label: string, readerPairs?: string) => ({ label, method: { kind: 'directional-dpo', placement: 'embedding', personas: true, ...(readerPairs ? { readerPairs } : {}) } });
    const s = parsePolicySpec({ arms: [arm('a'), arm('b', 'generic+cross+pole')] });
    expect(s.arms.map((a) => (a.method as { readerPairs: string }).readerPairs)).toEqual(['generic+cross', 'generic+cross+pole']);
    try {
      parsePolicySpec({ arms: [arm('a', 'pole')] });
      throw new Error('parsed');
    } catch (e) {
      expect((e as SpecError).path).toBe('arms[0].method.readerPairs');
    }
  });
});

describe('averaged persona readers (method.readers)', () => {
  it('the mean of n readers scores as the mean of the n readers trained alone with seeds seed to seed + n - 1', async () => {
    const be = await createBackend('cpu');
    const ds = await loadBuiltin(parsePolicySpec({ data: { source: 'builtin', personas: 40, questionsPerPersona: 8 }, arms: [{ label: 'x' }] }).data);
    if (!isBuiltin(ds)) throw new Error('not the built-in world');
    const split = splitDataset(ds, { seed: 1, unseenFraction: 0.2, testFraction: 0.15 });
    const sets = buildPairSets(ds, split, { seed: 1, crossPartners: 1 });
    const q = QUESTIONS[0];
    const items = ds.personas.slice(0, 6).map((p, i) => ({ personaId: p.id, questionId: q.id, instruction: q.text, answer: makeResponse(q, q.axes.map((_, j) => (j === i % q.axes.length ? 1 : -1))).text }));
    const both = await trainOwnRewardModel(be, ds, split, sets, 7, { members: 2 });
    const alone = [await trainOwnRewardModel(be, ds, split, sets, 7), await trainOwnRewardModel(be, ds, split, sets, 8)];
    try {
      const got = await both.score(items);
      const a = await alone[0].score(items);
      const b = await alone[1].score(items);
      got.forEach((x, i) => expect(x).toBeCloseTo((a[i] + b[i]) / 2, 5));
      // Two seeds do read differently (else the mean would be no test).
      expect(a.some((x, i) => Math.abs(x - b[i]) > 1e-3)).toBe(true);
      expect(both.description).toMatch(/^mean of 2 conditional bag-of-features reward models trained in this run .*; seeds 7 to 8; mean last batch accuracy \d+%\)$/);
      await expect(trainOwnRewardModel(be, ds, split, sets, 7, { members: 0 })).rejects.toThrow(RangeError);
    } finally {
      both.dispose();
      alone.forEach((m) => m.dispose());
    }
  }, 300_000);

  it('on a skewed world, five readers averaged read the signs of the planted tastes better than one', async () => {
    const be = await createBackend('cpu');
    const ds = await loadBuiltin(parsePolicySpec({ data: { source: 'builtin', personas: 150, questionsPerPersona: 12, skew: { formality: 0.7, religious: 0.7 } }, arms: [{ label: 'x' }] }).data);
    if (!isBuiltin(ds)) throw new Error('not the built-in world');
    const split = splitDataset(ds, { seed: 1, unseenFraction: 0.2, testFraction: 0.15 });
    const sets = buildPairSets(ds, split, { seed: 1, crossPartners: 1 });
    const personas = [...split.seenPersonas.slice(0, 40), ...split.unseenPersonas.slice(0, 40)];
    const agreement = async (members: number) => {
      const rm = await trainOwnRewardModel(be, ds, split, sets, 1, { pairs: 'generic+cross+pole', members });
      try {
        return tasteSignAgreement(ds, await personaDirections(rm, personas, AXIS_IDS, { questionsPerObjective: 6, answersPerQuestion: 4, seed: 1 }), AXIS_IDS);
      } finally {
        rm.dispose();
      }
    };
    const one = await agreement(1);
    const five = await agreement(5);
    console.log(`persona readers: sign agreement ${one.toFixed(3)} with one, ${five.toFixed(3)} with five`);
    // Measured: 0.716 with one, 0.763 with five (800 persona × objective signs).
    expect(five).toBeGreaterThan(one + 0.02);
  }, 300_000);

  it('the spec field: default 1, whole numbers 1 to 16; arms that differ in it share one trained policy', () => {
    const arm = (label: string, readers?: unknown) => ({ label, method: { kind: 'directional-dpo', placement: 'embedding', personas: true, ...(readers !== undefined ? { readers } : {}) } });
    const s = parsePolicySpec({ arms: [arm('a'), arm('b', 5)] });
    expect(s.arms.map((a) => (a.method as { readers: number }).readers)).toEqual([1, 5]);
    for (const bad of [0, 17, 2.5, '3']) {
      try {
        parsePolicySpec({ arms: [arm('a', bad)] });
        throw new Error('parsed');
      } catch (e) {
        expect((e as SpecError).path).toBe('arms[0].method.readers');
      }
    }
    expect(policyPresetSpec('dpo-direction-skewed').arms.map((a) => (a.method as { readers: number }).readers)).toEqual([5, 5]);
  });
});

describe('directional arms writing for personas (tiny checkpoint, cpu, skewed world)', () => {
  const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';
  it('trains once for both arms, reads the personas conditionally and marginally, and compares them on the skewed axis', async () => {
    const be = await createBackend('cpu');
    const method = { kind: 'directional-dpo', dims: 4, placement: 'embedding', conditionLr: 1e-2, personas: true, judge: { questions: 2, baseDirections: 1, sweepAngles: 3 } };
    const train = { mode: 'lora', lora: { rank: 2, alpha: 4 }, epochs: 1, batchSize: 4, lr: 5e-4, maxPairs: 8, maxLength: 128, logEvery: 1 };
    const store = new MemoryRunStore<PolicyRecord>();
    const record = await runPolicy(
      {
        name: 'persona-direction-toy',
        seed: 2,
        base: { kind: 'path', path: TINY },
        data: { source: 'builtin', personas: 40, questionsPerPersona: 8, skew: { formality: 0.7 } },
        arms: [
          { label: 'conditional', conditioning: { kind: 'preset', name: 'all' }, method, train },
          { label: 'marginal', conditioning: { kind: 'preset', name: 'none' }, method, train },
        ],
        eval: { seenPersonas: 3, unseenPersonas: 3, questionsPerPersona: 2, maxNewTokens: 4, batchSize: 8 },
      },
      { backend: be, adapter: null, store, loadData: loadBuiltin, loadBase: (_b, backend) => folderLmLoader(TINY, 'tiny')('builtin', backend), appVersion: 'test' },
    );
    expect(record.status, record.error?.message).toBe('done');
    const [c, m] = record.arms;
    expect(c.conditioning).toBe('direction read from all');
    expect(m.conditioning).toBe('direction read from none');
    // One training: the second arm wrote with the first arm's policy and carries its curve and judge.
    expect(c.personaDirections!.sharedWith).toBeUndefined();
    expect(m.personaDirections!.sharedWith).toBe('conditional');
    expect(m.curve).toEqual(c.curve);
    expect(m.directional).toEqual(c.directional);
    for (const a of [c, m]) {
      expect(a.eval.map((s) => s.set)).toEqual(['seen', 'unseen']);
      expect(a.answers).toHaveLength(12);
      const d = a.personaDirections!;
      expect(d.directions).toHaveLength(6);
      for (const x of d.directions) expect(x.direction).toHaveLength(d.objectives.length);
      expect(d.tasteSignAgreement).toBeGreaterThanOrEqual(0);
      expect(d.tasteSignAgreement).toBeLessThanOrEqual(1);
      expect(d.strength).toBe(1.3);
    }
    expect(c.personaDirections!.rewardModel).toMatch(/^conditional/);
    expect(m.personaDirections!.rewardModel).toMatch(/^marginal/);
    // The marginal model reads every persona alike: one direction for all.
    const md = m.personaDirections!.directions.map((x) => x.direction);
    for (const u of md) u.forEach((x, k) => expect(x).toBeCloseTo(md[0][k], 9));
    const cd = c.personaDirections!.directions.map((x) => x.direction);
    expect(cd.some((u) => u.some((x, k) => Math.abs(x - cd[0][k]) > 1e-3))).toBe(true);
    // The skewed axis: conditional against marginal on its minority and majority personas.
    expect(record.skew.map((s) => [s.axis, s.conditional, s.marginal])).toEqual([['formality', 'conditional', 'marginal']]);
    // Each arm's verdicts against the base, per answer, and the skewed axis's groups from them.
    expect(c.vsBase).toHaveLength(12);
    const b = record.skew[0].vsBase!;
    expect(b.conditional.minority.n + b.conditional.majority.n).toBe(record.skew[0].minority.n + record.skew[0].majority.n);
  }, 300_000);
});
