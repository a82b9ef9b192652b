// Judging a policy on the built-in world by the truth: it writes answers for seen personas (their
// held-out questions) and unseen personas, the base policy writes answers to the same prompts, and
// the planted utility of each text as written (the truth judge parses it back into poles) decides:
// per persona the win rate against the base and against the Bayes-best answer (ties half, invalid
// answers lose), mean true utility, the gap closed, KL to the base on the policy's own samples and
// the invalid rate; on skewed worlds, conditional against marginal answers on each skewed axis's
// minority and majority personas.
import { stackRows } from '../../train/policy/condition-embedding';
import {
  AXIS_IDS,
  bayesBestAnswer,
  compareJudged,
  judgeAnswer,
  minorityOf,
  poleName,
  type AttributeSubset,
  type BuiltinDataset,
  type DataSplit,
  type JudgedAnswer,
  type Outcome,
} from '../../data';
import { generate } from '../../models/generate/generate';
import type { InferenceLm } from '../../models/inference';
import { conditionTensor, disposeCondition, type HostConditionGate, type LlamaModel } from '../../models/llama/model';
import type { LoraAdapter } from '../../models/lora/adapter';
import type { ChatMessage } from '../../models/chat-template';
import type { Backend } from '../../tensor';
import { readResponseLogProbs } from '../../train/policy';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import type { PersonaPolicyScore, PolicyEvalSet, PolicyEvalSpec, RateWithInterval, SkewComparison, SpreadStats } from '../../protocol/policy';
import { quantile, wilson } from '../results/intervals';
import { answerOf, personaText, promptIds, type PolicyLayout } from './prompts';
import { abortPoint } from '../../util/abort-point';

export type EvalSetName = 'seen' | 'unseen';

/** One prompt of the evaluation: a persona and one of its questions. */
export interface EvalItem {
  set: EvalSetName;
  personaId: string;
  questionId: string;
  instruction: string;
}

/** Seeded samples: seen personas on their held-out questions, unseen personas on theirs. */
export function evalItems(split: DataSplit, o: Pick<PolicyEvalSpec, 'seenPersonas' | 'unseenPersonas' | 'questionsPerPersona'>, seed: number): EvalItem[] {
  const out: EvalItem[] = [];
  const pick = (set: EvalSetName, personas: readonly string[], rows: DataSplit['test'], count: number) => {
    const chosen = new Rng(fnv1a32(`${seed}:policy-eval:${set}`)).shuffle(personas.slice()).slice(0, count);
    const byPersona = new Map<string, DataSplit['test']>();
    for (const r of rows) byPersona.set(r.personaId, [...(byPersona.get(r.personaId) ?? []), r]);
    for (const id of chosen) {
      const mine = byPersona.get(id) ?? [];
      for (const r of mine.slice(0, o.questionsPerPersona)) out.push({ set, personaId: id, questionId: r.questionId, instruction: r.instruction });
    }
  };
  pick('seen', split.seenPersonas, split.test, o.seenPersonas);
  pick('unseen', split.unseenPersonas, split.unseen, o.unseenPersonas);
  return out;
}

export interface Answers {
  /** Per item and sample (item-major): the answer text and its completion tokens. */
  texts: string[];
  prompts: number[][];
  completions: number[][];
}

export interface GenerateSettings extends Pick<PolicyEvalSpec, 'samples' | 'temperature' | 'maxNewTokens' | 'batchSize'> {
  seed: number;
  /** Per prompt, the policy's conditioning vector (hidden size; a learned direction embedding), for a policy that reads one. */
  conditions?: readonly Float32Array[];
  /** Classifier-free guidance on the conditions (generate's `guidance`); 0 or absent = none. */
  guidance?: number;
  /** The plausibility constraint against the unconditioned policy (generate's `plausibility`); 0 or absent = none. */
  plausibility?: number;
  /** A gated policy's gate: then each of `conditions` is its K parts (K x hidden size; LlamaModel's GatedCondition). */
  conditionGate?: HostConditionGate | null;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

/** What writes and reads a policy's answers: our engine's model, or an inference-only one (ONNX). */
export type AnswerLm = LlamaModel | InferenceLm;

export class InferenceOnlyError extends Error {
  override name = 'InferenceOnlyError';
}

function inferenceOnly(m: AnswerLm): InferenceLm | null {
  return 'lastTokenLogits' in m ? m : null;
}

/** The longest sequence the model reads. */
export function contextOf(m: AnswerLm): number {
  return inferenceOnly(m)?.contextLength ?? (m as LlamaModel).config.maxPositionEmbeddings;
}

/** Answers of a model (with its adapter, if any) to every item, `samples` per item. */
export async function writeAnswers(
  be: Backend,
  model: AnswerLm,
  adapter: LoraAdapter | null,
  layout: PolicyLayout,
  ds: BuiltinDataset,
  subset: AttributeSubset,
  items: readonly EvalItem[],
  s: GenerateSettings,
  /** Exchanges before the question (the few-shot baseline's examples of the persona's taste). */
  examples?: (item: EvalItem) => ChatMessage[],
): Promise<Answers> {
  const persona = new Map(ds.personas.map((p) => [p.id, p.attributes]));
  const prompts = items.flatMap((it) => {
    const ids = promptIds(layout, personaText(persona.get(it.personaId)!, subset), it.instruction, examples?.(it));
    return Array.from({ length: s.samples }, () => ids);
  });
  return generateAnswers(be, model, adapter, layout, prompts, s);
}

/** Answers of a model (with its adapter, if any) to prompts given as tokens, in order, `s.batchSize` at a time. */
export async function generateAnswers(be: Backend, model: AnswerLm, adapter: LoraAdapter | null, layout: PolicyLayout, prompts: number[][], s: GenerateSettings): Promise<Answers> {
  const out: Answers = { texts: [], prompts, completions: [] };
  const lm = inferenceOnly(model);
  if (lm && adapter) throw new InferenceOnlyError('an inference-only model (ONNX) takes no LoRA adapter');
  if (lm && !lm.generate) throw new InferenceOnlyError('this model cannot generate, so it cannot write a policy\'s answers');
  const limit = contextOf(model);
  for (let i = 0; i < prompts.length; i += s.batchSize) {
    await abortPoint(s.signal);
    const chunk = prompts.slice(i, i + s.batchSize).map((p) => p.slice(Math.max(0, p.length + s.maxNewTokens - limit)));
    const o = { maxNewTokens: s.maxNewTokens, seed: fnv1a32(`${s.seed}:generate:${i}`), temperature: s.temperature, vocabLimit: layout.tokenizer.size, signal: s.signal };
    // The engine's generation runs under the backend's guard (out-of-memory, device loss); an ONNX
    // session's errors are onnxruntime-web's own (OnnxRunError).
    if (lm && s.conditions) throw new InferenceOnlyError('an inference-only model (ONNX) takes no conditioning vector');
    const condition = s.conditions ? stackRows(s.conditions.slice(i, i + chunk.length)) : null;
    const gens = lm
      ? await lm.generate!(layout.tokenizer, chunk, o)
      : await be.guard(`generating answers ${i + 1}-${i + chunk.length}`, () =>
          generate(model as LlamaModel, layout.tokenizer, chunk, { ...o, adapter, condition, conditionGate: s.conditionGate ?? null, guidance: condition ? s.guidance : 0, plausibility: condition ? s.plausibility : 0 }),
        );
    await abortPoint(s.signal);
    for (const g of gens) {
      out.texts.push(answerOf(layout, g.text));
      out.completions.push(g.ids.length ? g.ids : [layout.tokenizer.eosIds[0] ?? 0]);
    }
    s.onProgress?.(Math.min(prompts.length, i + s.batchSize), prompts.length);
  }
  return out;
}

/** Σ_t log p(y_t) of each row's response: readResponseLogProbs on our engine, the InferenceLm's score otherwise. */
export async function responseLogps(
  m: AnswerLm,
  rows: readonly { prompt: number[]; response: number[] }[],
  o: { padId: number; maxLength: number; adapter: LoraAdapter | null; conditions?: readonly Float32Array[]; conditionGate?: HostConditionGate | null },
): Promise<number[]> {
  const lm = inferenceOnly(m);
  if (!lm) {
    const model = m as LlamaModel;
    const condition = o.conditions ? conditionTensor(model.backend, stackRows(o.conditions), rows.length, model.config.hiddenSize, o.conditionGate ?? null) : null;
    try {
      return (await readResponseLogProbs(model, rows, { padId: o.padId, maxLength: o.maxLength, adapter: o.adapter, condition })).sum;
    } finally {
      disposeCondition(condition);
    }
  }
  if (o.conditions) throw new InferenceOnlyError('an inference-only model (ONNX) takes no conditioning vector');
  if (o.adapter) throw new InferenceOnlyError('an inference-only model (ONNX) takes no LoRA adapter');
  // One call per chunk of the caller's batch size: the InferenceLm batches within it as scoreBatches does.
  return (await lm.score(rows, { padId: o.padId, maxLength: o.maxLength, batchSize: rows.length })).sum;
}

/**
 * Σ_t log π(y_t) − log π_base(y_t) per answer: the KL estimate on the policy's own samples. The
 * base reads each answer after `basePrompts` when its prompt differs (few-shot: no examples).
 */
export async function sampleKl(
  policy: AnswerLm,
  adapter: LoraAdapter | null,
  base: AnswerLm,
  answers: Answers,
  o: {
    padId: number;
    batchSize: number;
    maxLength: number;
    basePrompts?: readonly number[][];
    /** Per answer, the conditioning vector the policy wrote it under (a directional policy's u · E). */
    conditions?: readonly Float32Array[];
  },
): Promise<number[]> {
  const rows = answers.prompts.map((prompt, i) => ({ prompt, response: answers.completions[i] }));
  const baseRows = o.basePrompts ? o.basePrompts.map((prompt, i) => ({ prompt, response: answers.completions[i] })) : rows;
  const out: number[] = [];
  for (let i = 0; i < rows.length; i += o.batchSize) {
    const chunk = rows.slice(i, i + o.batchSize);
    const p = await responseLogps(policy, chunk, { padId: o.padId, maxLength: o.maxLength, adapter, conditions: o.conditions?.slice(i, i + o.batchSize) });
    const b = await responseLogps(base, baseRows.slice(i, i + o.batchSize), { padId: o.padId, maxLength: o.maxLength, adapter: null });
    p.forEach((x, j) => out.push(x - b[j]));
  }
  return out;
}

/** A comparison's share of a win: 1, a tie half, a loss 0. */
export const outcomeScore = (o: Outcome): number => (o === 'win' ? 1 : o === 'tie' ? 0.5 : 0);

/** Per answer (items × samples, item-major), the truth's verdict against the base's answer to the same prompt: 1, 0.5 or 0. */
export function vsBaseScores(ds: BuiltinDataset, items: readonly EvalItem[], samples: number, policy: readonly string[], base: readonly string[]): number[] {
  return items.flatMap((it, i) =>
    Array.from({ length: samples }, (_, k) => {
      const j = i * samples + k;
      return outcomeScore(compareJudged(judgeAnswer(ds, it.personaId, it.questionId, policy[j]), judgeAnswer(ds, it.personaId, it.questionId, base[j])));
    }),
  );
}

export function rate(wins: number, n: number, confidence: number): RateWithInterval {
  const [lo, hi] = wilson(wins, n, confidence);
  return { n, wins, rate: n ? wins / n : NaN, lo, hi };
}

export function spread(values: readonly number[]): SpreadStats {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), q1: quantile(s, 0.25), q3: quantile(s, 0.75), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** The truth judge's verdicts on one set of items (policy answers against the base's and the Bayes-best). */
export function judgeSet(ds: BuiltinDataset, set: EvalSetName, items: readonly EvalItem[], samples: number, policy: readonly string[], base: readonly string[], kl: readonly number[], confidence: number): PolicyEvalSet {
  const per = new Map<string, { n: number; vsBase: number; vsBayes: number; u: number[]; ub: number[]; ubest: number[] }>();
  let vsBase = 0;
  let vsBayes = 0;
  let n = 0;
  const invalid = { policy: 0, base: 0 };
  const klHere: number[] = [];
  items.forEach((it, i) => {
    if (it.set !== set) return;
    const best = bayesBestAnswer(ds, it.personaId, it.questionId);
    const bestJudged = judgeAnswer(ds, it.personaId, it.questionId, best.text);
    for (let k = 0; k < samples; k++) {
      const j = i * samples + k;
      const a: JudgedAnswer = judgeAnswer(ds, it.personaId, it.questionId, policy[j]);
      const b: JudgedAnswer = judgeAnswer(ds, it.personaId, it.questionId, base[j]);
      const sb = outcomeScore(compareJudged(a, b));
      const sy = outcomeScore(compareJudged(a, bestJudged));
      const p = per.get(it.personaId) ?? { n: 0, vsBase: 0, vsBayes: 0, u: [], ub: [], ubest: [] };
      p.n++;
      p.vsBase += sb;
      p.vsBayes += sy;
      p.u.push(a.score);
      p.ub.push(b.score);
      p.ubest.push(best.utility);
      per.set(it.personaId, p);
      vsBase += sb;
      vsBayes += sy;
      n++;
      if (!a.valid) invalid.policy++;
      if (!b.valid) invalid.base++;
      klHere.push(kl[j]);
    }
  });
  const perPersona: PersonaPolicyScore[] = [...per].map(([personaId, p]) => ({
    personaId,
    answers: p.n,
    vsBase: p.vsBase / p.n,
    vsBayes: p.vsBayes / p.n,
    utility: mean(p.u),
    baseUtility: mean(p.ub),
    bestUtility: mean(p.ubest),
  }));
  const all = [...per.values()];
  const u = mean(all.flatMap((p) => p.u));
  const ub = mean(all.flatMap((p) => p.ub));
  const ubest = mean(all.flatMap((p) => p.ubest));
  return {
    set,
    personas: per.size,
    answers: n,
    vsBase: rate(vsBase, n, confidence),
    vsBayes: rate(vsBayes, n, confidence),
    perPersonaVsBase: spread(perPersona.map((p) => p.vsBase)),
    perPersona,
    meanUtility: u,
    baseUtility: ub,
    bestUtility: ubest,
    gapClosed: ubest > ub ? (u - ub) / (ubest - ub) : NaN,
    kl: mean(klHere),
    invalidRate: n ? invalid.policy / n : NaN,
    baseInvalidRate: n ? invalid.base / n : NaN,
  };
}

/**
 * On a skewed world: per skewed axis, the conditional arm's answers against the marginal arm's on
 * the same prompts, judged by the truth for the persona, on questions that use the axis, apart for
 * the axis's minority (personas on its rarer pole) and majority.
 */
export function skewComparisons(
  ds: BuiltinDataset,
  items: readonly EvalItem[],
  samples: number,
  arms: { label: string; answers: readonly string[]; vsBase?: readonly number[] }[],
  conditional: string,
  marginal: string,
  confidence: number,
): SkewComparison[] {
  const skew = ds.options.skew ?? {};
  const ca = arms.find((a) => a.label === conditional)!;
  const ma = arms.find((a) => a.label === marginal)!;
  const c = ca.answers;
  const m = ma.answers;
  const out: SkewComparison[] = [];
  for (const axis of AXIS_IDS) {
    if (skew[axis] === undefined) continue;
    const minority = minorityOf(ds, axis);
    const group = () => ({ minority: { w: 0, n: 0 }, majority: { w: 0, n: 0 } });
    const tally = group();
    const base = { conditional: group(), marginal: group() };
    items.forEach((it, i) => {
      if (!ds.question(it.questionId).axes.includes(axis)) return;
      const side = minority.isMinority(it.personaId) ? 'minority' : 'majority';
      for (let k = 0; k < samples; k++) {
        const j = i * samples + k;
        tally[side].w += outcomeScore(compareJudged(judgeAnswer(ds, it.personaId, it.questionId, c[j]), judgeAnswer(ds, it.personaId, it.questionId, m[j])));
        tally[side].n++;
        if (ca.vsBase && ma.vsBase) {
          base.conditional[side].w += ca.vsBase[j];
          base.conditional[side].n++;
          base.marginal[side].w += ma.vsBase[j];
          base.marginal[side].n++;
        }
      }
    });
    const rates = (g: ReturnType<typeof group>) => ({ minority: rate(g.minority.w, g.minority.n, confidence), majority: rate(g.majority.w, g.majority.n, confidence) });
    out.push({
      axis,
      conditional,
      marginal,
      minorityPole: poleName(axis, minority.pole),
      minorityShare: minority.share,
      minority: rate(tally.minority.w, tally.minority.n, confidence),
      majority: rate(tally.majority.w, tally.majority.n, confidence),
      ...(ca.vsBase && ma.vsBase ? { vsBase: { conditional: rates(base.conditional), marginal: rates(base.marginal) } } : {}),
    });
  }
  return out;
}
