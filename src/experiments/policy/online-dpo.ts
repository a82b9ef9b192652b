// Iterative (online) DPO: each iteration samples K answers per training prompt (seen personas on
// their training questions) from the current policy at method.temperature (default 1), scores
// them with the reward model, pairs the best answer against the worst (a prompt whose answers all
// score the same is dropped), and trains DPO on those pairs with the current policy as the
// reference (its log-probs read once per iteration, before training); the trained policy is the
// next iteration's start and reference (from a directional start, method.start, every row carries
// its persona's vector: ./online.ts). After every iteration (and once before the first) the truth
// judge reads the policy's answers to the seen personas' evaluation prompts: mean true utility
// with its interval and the win rate against the starting policy, so the record shows whether the
// truth rises.
// Checkpoints: the loop's own inside an iteration (with the iteration's pairs and reference
// log-probs, so a resume does not sample again) and one after each iteration; a resumed run
// continues the same trajectory bit for bit.
import { compareJudged, judgeAnswer, type JudgedAnswer, type PreferencePair } from '../../data';
import type { LoraAdapter } from '../../models/lora/adapter';
import type { LlamaModel } from '../../models/llama/model';
import type { DpoMethodSpec, PolicyArmSpec, PolicyIterationResult, UtilityChange } from '../../protocol/policy';
import { trainLoop, type LogPoint, type LoopCheckpoint } from '../../train/loop';
import { readPairLogProbs, type PreferenceRow } from '../../train/policy';
import { fnv1a32 } from '../../util/hash';
import type { LoadedLm } from '../lm/loaded';
import { meanInterval } from '../results/intervals';
import { DpoPolicyModel, type ReferenceLogps } from './dpo-model';
import { outcomeScore, rate, writeAnswers } from './evaluate';
import { meanOf, OnlineResumeError, policyParameters, promptSubset, readParameters, restoreParameters, rowConditions, sampleAndScore, scoreAnswers, startPolicy, trainingPrompts, type OnlineArm, type TrainedPolicy } from './online';
import { FixedCondition, stackRows } from '../../train/policy/condition-embedding';
import { abortPoint } from '../../util/abort-point';

type IterativeDpoSpec = Extract<PolicyArmSpec['method'], { kind: 'iterative-dpo' }>;

/** One iteration's training data: what a checkpoint inside the iteration keeps. */
interface IterationData {
  prompts: number;
  ties: number;
  meanScore: number;
  pairs: PreferencePair[];
  rows: PreferenceRow[];
  reference: ReferenceLogps[];
}

interface IterativeState {
  method: 'iterative-dpo';
  iteration: number;
  /** 'train': inside the iteration (the loop's checkpoint); 'done': the iteration and its evaluation finished. */
  phase: 'train' | 'done';
  /** Optimizer steps of the earlier iterations (the curve's step is global). */
  stepsBefore: number;
  iterations: PolicyIterationResult[];
  /** The starting policy's evaluation answers (what "vs base" compares with). */
  baseTexts: string[];
  /** The true utility of each answer of the last finished iteration (the paired change's previous; absent: the start's). */
  lastUtilities?: number[];
  loopCurve?: LogPoint[];
  data?: IterationData;
}

/** Shares of an iteration's time, for the time-left estimate. */
const SHARE = { sample: 0.45, reference: 0.05, train: 0.4, eval: 0.1 };

/** Best against worst per prompt (first of equals); ties dropped. Samples are item-major, K per prompt. */
export function bestWorstPairs(scores: readonly number[], k: number): { pairs: Array<{ prompt: number; best: number; worst: number }>; ties: number } {
  const pairs: Array<{ prompt: number; best: number; worst: number }> = [];
  let ties = 0;
  for (let p = 0; p * k < scores.length; p++) {
    let best = p * k;
    let worst = p * k;
    for (let j = p * k + 1; j < (p + 1) * k; j++) {
      if (scores[j] > scores[best]) best = j;
      if (scores[j] < scores[worst]) worst = j;
    }
    if (scores[best] === scores[worst]) ties++;
    else pairs.push({ prompt: p, best, worst });
  }
  return { pairs, ties };
}

async function iterationData(o: OnlineArm, m: IterativeDpoSpec, model: LlamaModel, adapter: LoraAdapter | null, j: number, at: (within: number, message: string) => void): Promise<IterationData> {
  const items = trainingPrompts(o.split, o.arm.train.maxPairs, o.seed, `iteration:${j}`);
  const k = m.samplesPerPrompt;
  const s = await sampleAndScore(o, model, adapter, items, k, `iteration:${j}`, (done, total) => at(SHARE.sample * (done / total), `sampling ${done} of ${total} answers`));
  const chosen = bestWorstPairs(s.scores, k);
  const pairs: PreferencePair[] = [];
  const rows: PreferenceRow[] = [];
  for (const { prompt, best, worst } of chosen.pairs) {
    const it = items[prompt];
    pairs.push({ id: `iteration${j}:${prompt}`, set: 'generic', personaId: it.personaId, questionId: it.questionId, instruction: it.instruction, chosen: s.texts[best], rejected: s.texts[worst], strength: s.scores[best] - s.scores[worst] });
    // A directional start: the row carries the persona's vector (FixedCondition reads it as it is).
    rows.push({ prompt: s.prompts[best], chosen: s.completions[best], rejected: s.completions[worst], ...(o.start ? { condition: o.start.conditionOf(it) } : {}) });
  }
  // The reference is the policy as it is now (no dropout), read once.
  const reference: ReferenceLogps[] = [];
  const fixed = o.start ? new FixedCondition(o.be, model.config.hiddenSize) : null;
  const wasTraining = adapter?.training ?? false;
  if (adapter) adapter.training = false;
  try {
    const size = o.arm.train.batchSize;
    for (let i = 0; i < rows.length; i += size) {
      await abortPoint(o.signal);
      const chunk = rows.slice(i, i + size);
      const condition = fixed ? fixed.forward(stackRows([...chunk, ...chunk].map((r) => r.condition!)), 2 * chunk.length) : null;
      let r: Awaited<ReturnType<typeof readPairLogProbs>>;
      try {
        r = await readPairLogProbs(model, chunk, { padId: o.base.tokenizer.padId, maxLength: o.arm.train.maxLength, adapter, condition });
      } finally {
        condition?.dispose();
      }
      Array.from(r.chosen.sum as ArrayLike<number>).forEach((c, b) => reference.push({ chosen: c, rejected: (r.rejected.sum as ArrayLike<number>)[b], chosenCount: r.chosen.counts[b], rejectedCount: r.rejected.counts[b] }));
      at(SHARE.sample + SHARE.reference * Math.min(1, (i + size) / rows.length), `reference log-probs of ${rows.length} pairs`);
    }
  } finally {
    if (adapter) adapter.training = wasTraining;
  }
  return { prompts: items.length, ties: chosen.ties, meanScore: meanOf(s.scores), pairs, rows, reference };
}

/** The arm's reward model's score of each of `texts` (the seen evaluation prompts' answers, item-major). */
function scoreSeen(o: OnlineArm, texts: readonly string[]): Promise<number[]> {
  return scoreAnswers(o, o.evalItems.filter((it) => it.set === 'seen'), texts, o.evalSpec.samples);
}

/** The truth's verdict on each of `texts` (the seen evaluation prompts' answers, item-major as writeAnswers writes them). */
function judgeSeen(o: OnlineArm, texts: readonly string[]): JudgedAnswer[] {
  const items = o.evalItems.filter((it) => it.set === 'seen');
  return texts.map((t, j) => {
    const it = items[Math.floor(j / o.evalSpec.samples)];
    return judgeAnswer(o.ds, it.personaId, it.questionId, t);
  });
}

/**
 * The truth's reading of a policy on the seen evaluation prompts: its answers and their utilities,
 * and the win rate against the start's answers (`base`, judged) when given.
 */
async function truthReading(
  o: OnlineArm,
  model: LlamaModel,
  adapter: LoraAdapter | null,
  base: readonly JudgedAnswer[] | null,
): Promise<{ texts: string[]; utilities: number[]; utility: PolicyIterationResult['utility']; vsBase: PolicyIterationResult['vsBase']; invalidRate: number }> {
  const e = o.evalSpec;
  const items = o.evalItems.filter((it) => it.set === 'seen');
  const wasTraining = adapter?.training ?? false;
  if (adapter) adapter.training = false;
  let texts: string[];
  try {
    texts = (await writeAnswers(o.be, model, adapter, o.layout, o.ds, promptSubset(o), items, { samples: e.samples, temperature: e.temperature, maxNewTokens: e.maxNewTokens, batchSize: e.batchSize, seed: fnv1a32(`${o.seed}:online-eval:${o.arm.label}`), signal: o.signal, conditions: rowConditions(o, items, e.samples), guidance: o.start?.guidance, plausibility: o.start?.plausibility })).texts;
  } finally {
    if (adapter) adapter.training = wasTraining;
  }
  const mine = judgeSeen(o, texts);
  const u = mine.map((a) => a.score);
  let wins = 0;
  base?.forEach((b, j) => (wins += outcomeScore(compareJudged(mine[j], b))));
  const n = u.length;
  return { texts, utilities: u, utility: meanInterval(u, e.confidence), vsBase: rate(base ? wins : n / 2, n, e.confidence), invalidRate: n ? mine.filter((a) => !a.valid).length / n : 0 };
}

/** Paired differences after − before, answer by answer (utilities or reward-model scores), with their mean's interval. */
export function pairedChange(after: readonly number[], before: readonly number[], confidence: number): UtilityChange {
  if (after.length !== before.length) throw new RangeError(`pairedChange: ${after.length} answers against ${before.length}`);
  const d = after.map((x, j) => x - before[j]);
  return { ...meanInterval(d, confidence), rose: d.filter((x) => x > 0).length, fell: d.filter((x) => x < 0).length };
}

export async function trainIterativeDpo(o: OnlineArm, owned: { lm: LoadedLm | null; adapter: LoraAdapter | null }): Promise<TrainedPolicy> {
  const a = o.arm;
  const m = a.method;
  if (m.kind !== 'iterative-dpo') throw new Error('trainIterativeDpo: not an iterative DPO arm');
  const be = o.be;
  const padId = o.base.tokenizer.padId;
  const { model, adapter } = await startPolicy(o, owned);
  const named = policyParameters(model, adapter);
  const dpoMethod: DpoMethodSpec = { kind: 'dpo', pairs: 'both', loss: m.loss, beta: m.beta, labelSmoothing: m.labelSmoothing, simpoGamma: m.simpoGamma, rpoAlpha: m.rpoAlpha };
  const result = o.result;

  const ck = o.checkpoint;
  let state: IterativeState | null = null;
  if (ck) {
    if (ck.online.method !== 'iterative-dpo') throw new OnlineResumeError(`The checkpoint of ${a.label} is not an iterative DPO one (${ck.online.method}); start the run again`);
    state = ck.online as unknown as IterativeState;
  }
  result.curve = ck ? ck.curve.slice() : [];
  const iterations: PolicyIterationResult[] = state ? state.iterations.slice() : [];
  result.iterations = iterations;
  let stepsBefore = state?.stepsBefore ?? 0;
  let start = 0;
  let data: IterationData | null = null;
  let loopResume: LoopCheckpoint | null = null;
  if (state && ck) {
    if (state.phase === 'done') {
      restoreParameters(be, named, ck.params);
      start = state.iteration + 1;
    } else {
      start = state.iteration;
      data = state.data ?? null;
      loopResume = { ...ck, curve: state.loopCurve ?? [] };
    }
  }
  const total = m.iterations;
  const at = (j: number) => (within: number, message: string) => o.progress('train', (j + within) / total, `${a.label}: iteration ${j + 1} of ${total}: ${message}`);

  let baseTexts = state?.baseTexts ?? null;
  let lastUtilities = state?.lastUtilities ?? null;
  if (!baseTexts) {
    o.progress('train', 0, `${a.label}: the truth's reading of the starting policy`);
    const r = await truthReading(o, model, adapter, null);
    baseTexts = r.texts;
    iterations.push({ iteration: 0, prompts: 0, samplesPerPrompt: m.samplesPerPrompt, pairs: 0, ties: 0, meanScore: null, utility: r.utility, vsBase: r.vsBase, invalidRate: r.invalidRate });
  }
  // The start's answers, judged once by the truth and by the reward model: what each iteration is compared with.
  const startJudged = judgeSeen(o, baseTexts);
  const startUtilities = startJudged.map((x) => x.score);
  const startScores = await scoreSeen(o, baseTexts);
  if (iterations[0].evalScore === undefined) iterations[0].evalScore = meanInterval(startScores, o.evalSpec.confidence);
  let final: Record<string, number> = {};

  for (let j = start; j < total; j++) {
    await abortPoint(o.signal);
    o.assertDevice?.();
    if (!data) data = await iterationData(o, m, model, adapter, j, at(j));
    const d = data;
    let steps = 0;
    if (d.pairs.length > 0) {
      const rows = new Map(d.pairs.map((p, b) => [p.id, d.rows[b]]));
      const reference = new Map(d.pairs.map((p, b) => [p.id, d.reference[b]]));
      const dpo = new DpoPolicyModel(be, model, adapter, rows, reference, dpoMethod, padId, a.train.maxLength, o.start ? new FixedCondition(be, model.config.hiddenSize) : null);
      if (adapter) adapter.training = true;
      const before = stepsBefore;
      const loop = await trainLoop(be, dpo, d.pairs, a.train, fnv1a32(`${o.seed}:iterative-dpo:${j}`), {
        signal: o.signal,
        resume: loopResume,
        checkpointEvery: o.checkpointEvery,
        assertDevice: o.assertDevice,
        onLog: (point) => {
          const p: LogPoint = { ...point, step: before + point.step, iteration: j + 1, 'objective/scores': d.meanScore, pairs: d.pairs.length };
          result.curve.push(p);
          o.onLog(p);
        },
        onStep: (step, n) => at(j)(SHARE.sample + SHARE.reference + SHARE.train * (step / n), `DPO step ${step} of ${n}`),
        checkpoint: async (lck) => {
          const online: IterativeState = { method: 'iterative-dpo', iteration: j, phase: 'train', stepsBefore: before, iterations: iterations.slice(), baseTexts: baseTexts!, ...(lastUtilities ? { lastUtilities } : {}), loopCurve: lck.curve, data: d };
          await o.saveCheckpoint({ ...lck, curve: result.curve.slice(), online });
        },
      });
      if (adapter) adapter.training = false;
      steps = loop.steps;
      final = { ...final, ...loop.final };
    }
    loopResume = null;
    at(j)(1 - SHARE.eval, 'the truth judges the policy');
    const r = await truthReading(o, model, adapter, startJudged);
    const conf = o.evalSpec.confidence;
    const change = { vsPrevious: pairedChange(r.utilities, lastUtilities ?? startUtilities, conf), vsStart: pairedChange(r.utilities, startUtilities, conf) };
    const scores = await scoreSeen(o, r.texts);
    const evalScore = { ...meanInterval(scores, conf), vsStart: pairedChange(scores, startScores, conf) };
    iterations.push({ iteration: j + 1, prompts: d.prompts, samplesPerPrompt: m.samplesPerPrompt, pairs: d.pairs.length, ties: d.ties, meanScore: d.meanScore, utility: r.utility, vsBase: r.vsBase, invalidRate: r.invalidRate, change, evalScore });
    lastUtilities = r.utilities;
    stepsBefore += steps;
    data = null;
    const online: IterativeState = { method: 'iterative-dpo', iteration: j, phase: 'done', stepsBefore, iterations: iterations.slice(), baseTexts, lastUtilities };
    await o.saveCheckpoint({ step: stepsBefore, totalSteps: stepsBefore, params: await readParameters(named), optimizer: { step: 0, moments: {} }, curve: result.curve.slice(), savedAt: new Date().toISOString(), online });
  }
  const last = result.curve[result.curve.length - 1];
  const first = iterations[0];
  const end = iterations[iterations.length - 1];
  result.final = {
    ...(last ? { ...last } : final),
    iterations: total,
    steps: stepsBefore,
    train_pairs: iterations.reduce((s, it) => s + it.pairs, 0),
    'truth/utility_start': first.utility.mean,
    'truth/utility_end': end.utility.mean,
    resumed_from_step: ck ? (state!.phase === 'done' ? state!.stepsBefore : state!.stepsBefore + ck.step) : 0,
  };
  return { model, adapter };
}
