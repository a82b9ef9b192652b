// Directional control (issue 13, item 4) on known answers: the spec's fields and their errors, the
// direction's arithmetic and rendering, the multi-objective reward model with a direction (a
// hand-made model, and one fitted on a small world whose objectives must point at the planted
// poles), the pairs it labels, the judge's verdict on answers whose poles are known, and a
// directional arm run end to end at toy size on the tiny checkpoint.
import { beforeAll, describe, expect, it } from 'vitest';
import { candidatePoles, DEFAULT_BUILTIN, QUESTIONS, responseText, type BuiltinDataset } from '../../src/data';
import { fitKeptMultiObjective, MultiObjectiveScorer, parseKeptMultiObjective, KeptModelError, type KeptMultiObjectiveModel } from '../../src/experiments/analysis/kept-model';
import { folderLmLoader } from '../../src/experiments/node/load-lm';
import { loadBuiltin } from '../../src/experiments/prepare';
import { axisPair, directionalTurns, directionText, DirectionError, normalize, sweepDirections } from '../../src/experiments/policy/direction';
import { directionalPairs, droppedPair, judgeAxisItems, poleMeans, poleOf, splitQuestions } from '../../src/experiments/policy/directional';
import { DirectionalRewardModel } from '../../src/experiments/policy/directional-reward';
import { policyPresetSpec } from '../../src/experiments/policy/presets';
import { runPolicy } from '../../src/experiments/policy/runner';
import { readSavedCondition } from '../../src/experiments/policy/save';
import { decodePolicySpec, encodePolicySpec, parsePolicySpec } from '../../src/experiments/policy/spec';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import { SpecError } from '../../src/experiments/spec/schema';
import type { PolicyRecord } from '../../src/protocol/policy';
import { createBackend } from '../../src/tensor';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';
const dirArm = (method: Record<string, unknown> = {}) => ({ label: 'd', method: { kind: 'directional-dpo', ...method } });

function fieldPath(value: unknown): string {
  try {
    parsePolicySpec(value);
  } catch (e) {
    if (e instanceof SpecError) return e.path;
    throw e;
  }
  throw new Error('the spec parsed');
}

describe('directional policy spec', () => {
  it('fills its defaults and round-trips through a URL', () => {
    const s = parsePolicySpec({ arms: [dirArm()] });
    expect(s.arms[0].method).toMatchObject({ kind: 'directional-dpo', loss: 'sigmoid', rewardModel: null, dims: 10, minMargin: 0.5, placement: 'system', judge: { questions: 14, baseDirections: 3, magnitude: 0.7, sweepAngles: 8, sweepObjectives: ['formality', 'detail'] } });
    const t = parsePolicySpec({ arms: [dirArm({ rewardModel: 'runs/m.json', judge: { sweepObjectives: ['humour', 'warmth'] } })] });
    expect(decodePolicySpec(encodePolicySpec(t))).toEqual(t);
  });

  it('names the field at fault', () => {
    expect(fieldPath({ arms: [dirArm({ judge: { magnitude: 1 } })] })).toBe('arms[0].method.judge.magnitude');
    expect(fieldPath({ arms: [dirArm({ judge: { sweepObjectives: ['formality', 'formality'] } })] })).toBe('arms[0].method.judge.sweepObjectives[1]');
    expect(fieldPath({ arms: [dirArm({ judge: { sweepObjectives: ['formality', 'shoe size'] } })] })).toBe('arms[0].method.judge.sweepObjectives[1]');
    expect(fieldPath({ arms: [dirArm({ judge: { questions: QUESTIONS.length } })] })).toBe('arms[0].method.judge.questions');
    expect(fieldPath({ arms: [dirArm({ rewardModel: '' })] })).toBe('arms[0].method.rewardModel');
    expect(fieldPath({ arms: [dirArm({ dims: 0 })] })).toBe('arms[0].method.dims');
    expect(fieldPath({ arms: [dirArm({ placement: 'middle' })] })).toBe('arms[0].method.placement');
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', conditionLr: 0 })] })).toBe('arms[0].method.conditionLr');
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding' })] }).arms[0].method).toMatchObject({ placement: 'embedding', conditionLr: null, guidance: 0 });
    // Guidance needs the learned vector: a text placement has none to guide.
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', guidance: -1 })] })).toBe('arms[0].method.guidance');
    expect(fieldPath({ arms: [dirArm({ placement: 'system', guidance: 2 })] })).toBe('arms[0].method.guidance');
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding', guidance: 2 })] }).arms[0].method).toMatchObject({ guidance: 2 });
    // The plausibility constraint reads the policy without its vector: only the learned vector has that side; α < 1.
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding' })] }).arms[0].method).toMatchObject({ plausibility: 0 });
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding', plausibility: 0.1 })] }).arms[0].method).toMatchObject({ plausibility: 0.1 });
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', plausibility: 1 })] })).toBe('arms[0].method.plausibility');
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', plausibility: -0.1 })] })).toBe('arms[0].method.plausibility');
    expect(fieldPath({ arms: [dirArm({ placement: 'system', plausibility: 0.1 })] })).toBe('arms[0].method.plausibility');
    // Condition dropout zeroes the learned vector too: a text placement has none.
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding' })] }).arms[0].method).toMatchObject({ conditionDropout: 0 });
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', conditionDropout: 0.95 })] })).toBe('arms[0].method.conditionDropout');
    expect(fieldPath({ arms: [dirArm({ placement: 'system', conditionDropout: 0.2 })] })).toBe('arms[0].method.conditionDropout');
    // The gated read: every position weighs each objective's part by its own gate (embedding placement only; not yet for persona writing).
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding' })] }).arms[0].method).toMatchObject({ conditionRead: 'everywhere', judge: { fitQuestions: 0 } });
    expect(fieldPath({ arms: [dirArm({ judge: { fitQuestions: -1 } })] })).toBe('arms[0].method.judge.fitQuestions');
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding', conditionRead: 'gated' })] }).arms[0].method).toMatchObject({ conditionRead: 'gated' });
    expect(fieldPath({ arms: [dirArm({ placement: 'system', conditionRead: 'gated' })] })).toBe('arms[0].method.conditionRead');
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', conditionRead: 'gated', personas: true })] })).toBe('arms[0].method.conditionRead');
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', conditionRead: 'sometimes' })] })).toBe('arms[0].method.conditionRead');
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding', conditionRead: 'gated', gateBias: -2.5 })] }).arms[0].method).toMatchObject({ gateBias: -2.5 });
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding', conditionRead: 'gated-head', gateBias: -1 })] }).arms[0].method).toMatchObject({ conditionRead: 'gated-head', gateBias: -1 });
    expect(fieldPath({ arms: [dirArm({ placement: 'system', conditionRead: 'gated-head' })] })).toBe('arms[0].method.conditionRead');
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', conditionRead: 'gated-head', personas: true })] })).toBe('arms[0].method.conditionRead');
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding', conditionRead: 'gated-head' })] }).arms[0].method).toMatchObject({ gateParts: 1 });
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', gateParts: 2 })] })).toBe('arms[0].method.gateParts');
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', conditionRead: 'gated', gateParts: 9 })] })).toBe('arms[0].method.gateParts');
    expect(parsePolicySpec({ arms: [dirArm({ placement: 'embedding' })] }).arms[0].method).toMatchObject({ squash: 0 });
    expect(fieldPath({ arms: [dirArm({ placement: 'system', squash: 3 })] })).toBe('arms[0].method.squash');
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', squash: 3, personas: true })] })).toBe('arms[0].method.squash');
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', squash: -1 })] })).toBe('arms[0].method.squash');
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', gateBias: -2 })] })).toBe('arms[0].method.gateBias');
    expect(fieldPath({ arms: [dirArm({ placement: 'embedding', conditionRead: 'gated', gateBias: -11 })] })).toBe('arms[0].method.gateBias');
  });

  it('condition dropout takes a seeded share of the pairs, the same whatever their order', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `q${i % 70}/${i}`);
    const share = (seed: number, rate: number) => ids.filter((id) => droppedPair(seed, id, rate)).length / ids.length;
    expect(share(1, 0)).toBe(0);
    expect(Math.abs(share(1, 0.2) - 0.2)).toBeLessThan(0.025);
    expect(Math.abs(share(3, 0.5) - 0.5)).toBeLessThan(0.03);
    expect(ids.map((id) => droppedPair(1, id, 0.2))).toEqual(ids.map((id) => droppedPair(1, id, 0.2)));
    // Another seed drops other pairs.
    expect(ids.filter((id) => droppedPair(1, id, 0.2) !== droppedPair(2, id, 0.2)).length).toBeGreaterThan(500);
  });

  it('the directional preset validates', () => {
    expect(policyPresetSpec('directional').arms[0].method).toMatchObject({ kind: 'directional-dpo', loss: 'rpo', rpoAlpha: 32, conditionLr: 3e-2, placement: 'embedding', conditionRead: 'gated-head', gateParts: 4, directions: 'axis', squash: 0, plausibility: 0.1, rewardModel: null, judge: { fitQuestions: 14 } });
    expect(policyPresetSpec('directional').arms[0].train).toMatchObject({ mode: 'lora', lr: 2e-4, maxPairs: 1600, epochs: 2 });
  });
});

describe('directions', () => {
  it('renders one signed line per objective, zero unsigned', () => {
    expect(directionText(['formality', 'detail', 'humour'], [0.6, -0.8, 0])).toBe('formality +0.60\ndetail -0.80\nhumour 0.00');
    expect(() => directionText(['a'], [1, 0])).toThrow(DirectionError);
    expect(() => normalize([0, 0])).toThrow(DirectionError);
    expect(directionalTurns('system', 'formality +1.00', 'Why?')).toEqual({ system: 'formality +1.00', user: 'Why?' });
    expect(directionalTurns('question', 'formality +1.00', 'Why?')).toEqual({ system: '', user: 'Why?\nformality +1.00' });
  });

  it("the judge's pair: unit length, only component k's sign differs", () => {
    const { minus, plus } = axisPair(normalize([0.3, -0.2, 0.9, 0.1]), 2, 0.7);
    for (const u of [minus, plus]) expect(Math.hypot(...u)).toBeCloseTo(1, 12);
    expect(minus[2]).toBeCloseTo(-0.7, 12);
    expect(plus[2]).toBeCloseTo(0.7, 12);
    for (const j of [0, 1, 3]) expect(minus[j]).toBe(plus[j]);
    expect(sweepDirections(4, 0, 1, 4).map((s) => s.direction)).toEqual([[1, 0, 0, 0], [0, 1, 0, 0], [-1, 0, 0, 0], [0, -1, 0, 0]]);
  });
});

/** A hand-made model: the word "sir" is +1 on objective 0, "mate" −1; "details" +1 on objective 1. */
const HAND: KeptMultiObjectiveModel = {
  kind: 'multi-objective-reward',
  version: 1,
  datasetId: 'hand',
  dims: 2,
  objectives: ['formality', 'detail'],
  alignment: [null, null],
  vocab: ['sir', 'mate', 'details'],
  weights: [1, 0, -1, 0, 0, 1],
  description: 'hand-made',
};

describe('the multi-objective reward model with a direction', () => {
  it('scores u · r(x) on a hand-made model', async () => {
    const rm = new DirectionalRewardModel('hand', HAND, [2, 0]);
    expect(rm.direction).toEqual([1, 0]);
    const items = ['thank you sir', 'cheers mate', 'more details sir'].map((answer) => ({ personaId: 'p', questionId: 'q', instruction: 'i', answer }));
    expect(await rm.score(items)).toEqual([1, -1, 1]);
    expect(await rm.withDirection([-1, 0]).score(items)).toEqual([-1, 1, -1]);
    const diag = await rm.withDirection([1, 1]).score(items);
    expect(diag[2]).toBeCloseTo(2 / Math.SQRT2, 6);
    expect(() => new DirectionalRewardModel('hand', HAND, [1, 0, 0])).toThrow(DirectionError);
    expect(() => parseKeptMultiObjective({ ...HAND, weights: [1] }, 'x.json')).toThrow(KeptModelError);
    expect(() => parseKeptMultiObjective({ kind: 'other' }, 'x.json')).toThrow(/analysis run/);
  });

  describe('fitted on a small world', () => {
    let kept: KeptMultiObjectiveModel;
    beforeAll(async () => {
      const ds = (await loadBuiltin({ source: 'builtin', seed: 1, personas: 120, questionsPerPersona: 16, noise: DEFAULT_BUILTIN.noise })) as BuiltinDataset;
      kept = fitKeptMultiObjective(ds, 1, 10);
      // A few seconds alone; minutes on a machine busy with other jobs (vitest's hook default is 10 s).
    }, 300_000);

    it('names each objective by a planted axis it predicts, and +e_k prefers the + pole of axis k', () => {
      expect(kept.objectives).toHaveLength(10);
      for (const a of kept.alignment) expect(a).toBeGreaterThan(0.9);
      const scorer = new MultiObjectiveScorer(kept);
      // Known answer: answers that differ only in axis k's pole, scored in direction +e_k.
      kept.objectives.forEach((axis, k) => {
        let right = 0;
        let n = 0;
        for (const q of QUESTIONS) {
          const s = q.axes.indexOf(axis as (typeof q.axes)[number]);
          if (s < 0) continue;
          for (const poles of candidatePoles(q)) {
            if (poles[s] !== 1) continue;
            const minus = poles.map((p, j) => (j === s ? -1 : p));
            n++;
            if (scorer.rewards(responseText(q, poles))[k] > scorer.rewards(responseText(q, minus))[k]) right++;
          }
        }
        expect(right / n, axis).toBeGreaterThan(0.9);
      });
    });

    it("labels pairs by the direction: the chosen answer's poles follow sign(u) on the flipped axis and on most others", () => {
      const { train, judge } = splitQuestions(14, 1);
      expect(judge).toHaveLength(14);
      expect(new Set([...train, ...judge].map((q) => q.id)).size).toBe(QUESTIONS.length);
      const scorer = new MultiObjectiveScorer(kept);
      const made = directionalPairs(scorer, train, 300, 1, 0.5);
      expect(made.pairs).toHaveLength(300);
      expect(made.ties).toBeGreaterThan(0);
      let flippedAgree = 0;
      let axesAgree = 0;
      let axes = 0;
      for (const p of made.pairs) {
        const q = QUESTIONS.find((x) => x.id === p.questionId)!;
        expect(train).toContain(q);
        const flippedAxis = p.id.split(':')[3];
        const u = new Map(made.system.get(p.id)!.split('\n').map((l) => [l.split(' ')[0], Number(l.split(' ')[1])] as const));
        // The two sides differ on the flipped axis only.
        for (const axis of q.axes) {
          const c = poleOf(q, p.chosen, axis);
          const r = poleOf(q, p.rejected, axis);
          if (axis === flippedAxis) expect(r).toBe(-c!);
          else expect(r).toBe(c);
          if (Math.sign(u.get(axis)!) === c) {
            axesAgree++;
            if (axis === flippedAxis) flippedAgree++;
          }
          axes++;
        }
      }
      // u · r(x) also reads the other objectives' cross-talk, so not every pole; most.
      expect(flippedAgree / made.pairs.length).toBeGreaterThan(0.85);
      expect(axesAgree / axes).toBeGreaterThan(0.7);
    });

    it("`axis` sampling puts the flipped axis's objective at 0.5–0.9 and the direction at unit length", () => {
      const { train } = splitQuestions(14, 1);
      const scorer = new MultiObjectiveScorer(kept);
      const made = directionalPairs(scorer, train, 200, 1, 0.5, 'axis');
      expect(made.pairs).toHaveLength(200);
      let agree = 0;
      for (const p of made.pairs) {
        const u = made.directions.get(p.id)!;
        const axis = p.id.split(':')[3];
        const uk = u[kept.objectives.indexOf(axis)];
        expect(Math.abs(uk)).toBeGreaterThanOrEqual(0.5 - 1e-9);
        expect(Math.abs(uk)).toBeLessThanOrEqual(0.9 + 1e-9);
        expect(Math.hypot(...u)).toBeCloseTo(1, 9);
        const q = QUESTIONS.find((x) => x.id === p.questionId)!;
        if (poleOf(q, p.chosen, axis) === Math.sign(uk)) agree++;
      }
      // A component this large decides the axis's pole for the reward model nearly always.
      expect(agree / made.pairs.length).toBeGreaterThan(0.95);
      // The default is the sphere, as before.
      expect(directionalPairs(scorer, train, 20, 1, 0.5).pairs).toEqual(directionalPairs(scorer, train, 20, 1, 0.5, 'sphere').pairs);
    });
  });
});

describe('the directional judge (known answers)', () => {
  // A question with three axes; answers written from known poles.
  const q = QUESTIONS.find((x) => x.axes.length >= 3)!;
  const [a0, a1, a2] = q.axes;
  const text = (poles: number[]) => responseText(q, [...poles, ...new Array(q.axes.length - poles.length).fill(1)]);

  it('counts flips, changes, held axes and unreadable answers', () => {
    const items = [
      { question: q, objective: a0, minus: text([-1, 1, 1]), plus: text([1, 1, 1]) }, // flipped, others held
      { question: q, objective: a0, minus: text([1, 1, 1]), plus: text([-1, 1, 1]) }, // changed the wrong way
      { question: q, objective: a0, minus: text([-1, 1, 1]), plus: text([1, -1, 1]) }, // flipped, a1 moved
      { question: q, objective: a1, minus: text([1, -1, 1]), plus: '' }, // unreadable
    ];
    const v = judgeAxisItems(q.axes, items, 0.95);
    const x0 = v.axes.find((a) => a.objective === a0)!;
    expect(x0.n).toBe(3);
    expect(x0.flipped.wins).toBe(2);
    expect(x0.changed.wins).toBe(3);
    // Other axes of a0's items: 3 items × (axes − 1); one of them (a1 in item 3) moved.
    const others = 3 * (q.axes.length - 1);
    expect(x0.held.n).toBe(others);
    expect(x0.held.wins).toBe(others - 1);
    expect(x0.invalidRate).toBe(0);
    const x1 = v.axes.find((a) => a.objective === a1)!;
    expect(x1.flipped.wins).toBe(0);
    expect(x1.held.wins).toBe(0);
    expect(x1.invalidRate).toBe(0.5);
    expect(v.overall.flipped).toMatchObject({ n: 4, wins: 2 });
    expect(v.axes.map((a) => a.objective)).toEqual([a0, a1]);
    expect(a2).toBeDefined();
  });

  it('pole means per objective over the questions that use it', () => {
    const m = poleMeans(q.axes, [{ question: q, text: text([1, -1, 1]) }, { question: q, text: text([1, 1, 1]) }, { question: q, text: 'nonsense' }], 0.95);
    expect(m[0]).toMatchObject({ n: 3 });
    expect(m[0].mean).toBeCloseTo(2 / 3, 12);
    expect(m[1].mean).toBe(0);
    expect(m[0].lo).toBeLessThan(m[0].mean);
  });
});

describe('a directional arm end to end (tiny checkpoint, cpu)', () => {
  it('trains on direction-labelled pairs and writes the judge and the sweep into the record', async () => {
    const be = await createBackend('cpu');
    const record = await runPolicy(
      {
        name: 'dir-toy',
        seed: 2,
        base: { kind: 'path', path: TINY },
        data: { source: 'builtin', personas: 40, questionsPerPersona: 8 },
        arms: [{ label: 'dir', conditioning: { kind: 'preset', name: 'none' }, method: { kind: 'directional-dpo', dims: 4, judge: { questions: 2, baseDirections: 1, sweepAngles: 3 } }, train: { mode: 'full', epochs: 1, batchSize: 4, lr: 5e-4, maxPairs: 8, maxLength: 128, logEvery: 1 } }],
        eval: { seenPersonas: 1, unseenPersonas: 1, questionsPerPersona: 1, maxNewTokens: 4, batchSize: 8 },
      },
      { backend: be, adapter: null, store: new MemoryRunStore<PolicyRecord>(), loadData: loadBuiltin, loadBase: (_b, backend) => folderLmLoader(TINY, 'tiny')('builtin', backend), appVersion: 'test' },
    );
    expect(record.status, record.error?.message).toBe('done');
    const a = record.arms[0];
    expect(a.conditioning).toBe('direction');
    expect(a.curve).toHaveLength(2);
    expect(a.eval).toEqual([]);
    const d = a.directional!;
    expect(d.objectives).toHaveLength(10);
    expect(d.judgeQuestions).toHaveLength(2);
    expect(d.overall.flipped.n).toBe(d.axes.reduce((s, x) => s + x.n, 0));
    expect(d.overall.flipped.n).toBeGreaterThan(0);
    // The tiny checkpoint writes nothing the truth can read: every answer is invalid, nothing flips.
    expect(d.overall.flipped.wins).toBe(0);
    expect(d.sweep.points).toHaveLength(3);
    // The teacher-forced shift is read on every judged item, and is a number.
    expect(d.logOddsShift!.n).toBe(d.overall.flipped.n);
    expect(Number.isFinite(d.logOddsShift!.mean)).toBe(true);
    expect(d.sweep.base).toHaveLength(10);
    expect(a.rewardModel).toMatch(/in-run/);
  }, 300_000);

  it('placement embedding: trains the direction table with the policy, saves it, and judges with it', async () => {
    const { record, saved } = await runSavedToy('dir-embed-toy', { kind: 'directional-dpo', dims: 4, placement: 'embedding', conditionLr: 1e-2, guidance: 1, conditionDropout: 0.5, judge: { questions: 2, baseDirections: 1, sweepAngles: 3 } });
    expect(record.status, record.error?.message).toBe('done');
    const d = record.arms[0].directional!;
    expect(Number.isFinite(d.logOddsShift!.mean)).toBe(true);
    // Condition dropout took its seeded share of the 8 pairs (each decided by droppedPair).
    const dropped = record.arms[0].final.condition_dropped;
    expect(dropped).toBeGreaterThanOrEqual(0);
    expect(dropped).toBeLessThanOrEqual(8);
    const table = await readSavedCondition(saved[0]);
    // One row per objective, trained away from its zero start (two steps at lr 1e-2).
    expect(table!.features).toEqual(d.objectives);
    expect(table!.table.some((x) => Math.abs(x) > 1e-3)).toBe(true);
    expect(table!.gate).toBeUndefined();
    expect(d.fit).toBeUndefined();
  }, 300_000);

  it('conditionRead gated: trains the table and its gate, saves both, and judges with them', async () => {
    const { record, saved } = await runSavedToy('dir-gated-toy', { kind: 'directional-dpo', dims: 4, placement: 'embedding', conditionRead: 'gated', conditionLr: 1e-2, judge: { questions: 2, baseDirections: 1, sweepAngles: 3, fitQuestions: 2 } });
    expect(record.status, record.error?.message).toBe('done');
    const d = record.arms[0].directional!;
    expect(d.overall.flipped.n).toBeGreaterThan(0);
    expect(Number.isFinite(d.logOddsShift!.mean)).toBe(true);
    const table = await readSavedCondition(saved[0]);
    expect(table!.table.some((x) => Math.abs(x) > 1e-3)).toBe(true);
    // The gate starts at zero and moves once the table does (the second step).
    expect(table!.gate!.keys.some((x) => Math.abs(x) > 1e-4)).toBe(true);
    expect(table!.gate!.bias).toHaveLength(d.objectives.length);
    // The fit reading: two questions it trained on, none of them judged as held-out.
    expect(d.fit!.questions).toHaveLength(2);
    expect(d.fit!.questions.some((q) => d.judgeQuestions.includes(q))).toBe(false);
    expect(d.fit!.overall.flipped.n).toBeGreaterThan(0);
    expect(d.fit!.logOddsShift.n).toBe(d.fit!.overall.flipped.n);
    expect(table!.gate!.site).toBe('blocks');
  }, 300_000);

  it('conditionRead gated-head with 2 parts per objective, squashed, written under the plausibility constraint: read at the LM head, saved with its site, parts and squash, named in the arm line', async () => {
    const { record, saved } = await runSavedToy('dir-head-toy', { kind: 'directional-dpo', dims: 4, placement: 'embedding', conditionRead: 'gated-head', gateParts: 2, gateBias: -1, squash: 2, plausibility: 0.1, conditionLr: 1e-2, judge: { questions: 2, baseDirections: 1, sweepAngles: 3 } });
    expect(record.status, record.error?.message).toBe('done');
    expect(record.arms[0].method).toMatch(/learned gates at the LM head, 2 parts per objective starting at bias -1; components read as tanh\(2 u_k\); writes only tokens the policy without its direction gives ≥ 0\.1 × its best\)/);
    const d = record.arms[0].directional!;
    expect(d.overall.flipped.n).toBeGreaterThan(0);
    const table = await readSavedCondition(saved[0]);
    expect(table!.gate!.site).toBe('head');
    expect(table!.parts).toBe(2);
    expect(table!.squash).toBe(2);
    expect(table!.table).toHaveLength(2 * d.objectives.length * table!.width);
    expect(table!.table.some((x) => Math.abs(x) > 1e-3)).toBe(true);
    expect(Array.from(table!.gate!.bias).every((b) => Math.abs(b + 1) < 0.1)).toBe(true);
  }, 300_000);
});

/** A toy directional run on the tiny checkpoint (40 personas, 8 pairs, full finetuning), keeping the files each arm saves. */
async function runSavedToy(name: string, method: Record<string, unknown>): Promise<{ record: PolicyRecord; saved: Record<string, string | Uint8Array>[] }> {
  const saved: Record<string, string | Uint8Array>[] = [];
  const record = await runPolicy(
    {
      name,
      seed: 2,
      base: { kind: 'path', path: TINY },
      data: { source: 'builtin', personas: 40, questionsPerPersona: 8 },
      arms: [{ label: 'dir', conditioning: { kind: 'preset', name: 'none' }, method, train: { mode: 'full', epochs: 1, batchSize: 4, lr: 5e-4, maxPairs: 8, maxLength: 128, logEvery: 1 } }],
      eval: { seenPersonas: 1, unseenPersonas: 1, questionsPerPersona: 1, maxNewTokens: 4, batchSize: 8 },
    },
    {
      backend: await createBackend('cpu'),
      adapter: null,
      store: new MemoryRunStore<PolicyRecord>(),
      loadData: loadBuiltin,
      loadBase: (_b, backend) => folderLmLoader(TINY, 'tiny')('builtin', backend),
      appVersion: 'test',
      savePolicy: async (_id, _arm, _label, s) => {
        saved.push(s.files);
        return 'memory';
      },
    },
  );
  return { record, saved };
}
