// The truth judge of the built-in world: the planted utility, for a persona, of an answer as
// written (the text parsed back into poles by parse-answer.ts), the best answers to compare it
// with, and pairwise verdicts between two answers. An answer that cannot be parsed or that answers
// another question is invalid: it loses to any valid answer (two invalid answers tie), and its
// rate is reported beside the win rate (docs/builtin-dataset.md, "The truth judge").
import { AXIS_IDS, type AxisId } from './axes';
import type { BuiltinDataset } from './generator';
import { axisWeight } from './model';
import { parseAnswer, type ParsedAnswer } from './parse-answer';
import type { BuiltinQuestion } from './questions';
import { responseText, type Poles } from './responses';

export interface JudgedAnswer {
  parse: ParsedAnswer;
  /** Parsed and on topic. */
  valid: boolean;
  /** True utility of the parsed poles (absent and conflicting axes count 0, like the neutral answer). */
  utility: number;
  /** `utility` when valid; otherwise the utility of the persona's worst answer (an invalid answer ranks last). */
  score: number;
}

export interface BestAnswer {
  poles: number[];
  text: string;
  utility: number;
}

function lookup(ds: BuiltinDataset, personaId: string, questionId: string): { p: number; q: BuiltinQuestion } {
  return { p: ds.truth.personaIndex(personaId), q: ds.question(questionId) };
}

/** The true utility of an answer with these poles for persona index `p` (0 = axis absent). */
export function trueUtility(ds: BuiltinDataset, p: number, q: BuiltinQuestion, poles: Poles): number {
  return ds.truth.utility(p, q, poles);
}

/** The utility of the persona's worst answer: every pole against the persona's taste on this question. */
function worstUtility(ds: BuiltinDataset, p: number, q: BuiltinQuestion): number {
  return -ds.truth.effectiveTaste(p, q).reduce((s, z, k) => s + axisWeight(q, k) * Math.abs(z), 0);
}

export function judgeAnswer(ds: BuiltinDataset, personaId: string, questionId: string, text: string): JudgedAnswer {
  const { p, q } = lookup(ds, personaId, questionId);
  const parse = parseAnswer(q, text);
  const valid = parse.parsed && parse.onTopic;
  const utility = ds.truth.utility(p, q, parse.poles);
  return { parse, valid, utility, score: valid ? utility : worstUtility(ds, p, q) };
}

function best(ds: BuiltinDataset, p: number, q: BuiltinQuestion, poles: number[]): BestAnswer {
  return { poles, text: responseText(q, poles), utility: ds.truth.utility(p, q, poles) };
}

/**
 * The Bayes-best answer: what a writer who knows the persona's attributes but not the per-question
 * noise should write. Utility is linear in the poles and the noise has mean 0, so it takes the sign
 * of the persona's taste on each axis (+ when the taste is exactly 0).
 */
export function bayesBestAnswer(ds: BuiltinDataset, personaId: string, questionId: string): BestAnswer {
  const { p, q } = lookup(ds, personaId, questionId);
  return best(ds, p, q, q.axes.map((axis) => (ds.truth.tasteOf(p, axis) >= 0 ? 1 : -1)));
}

/** The oracle answer: the best of all, knowing the noise too (a row's `data`). */
export function oracleBestAnswer(ds: BuiltinDataset, personaId: string, questionId: string): BestAnswer {
  const { p, q } = lookup(ds, personaId, questionId);
  return best(ds, p, q, ds.truth.bestPoles(p, q));
}

/** The persona-blind pole of every axis: the sign of the mean taste over the dataset's personas. */
export function blindPoleByAxis(ds: BuiltinDataset): Record<AxisId, 1 | -1> {
  const out = {} as Record<AxisId, 1 | -1>;
  for (const axis of AXIS_IDS) {
    let sum = 0;
    for (let p = 0; p < ds.personas.length; p++) sum += ds.truth.tasteOf(p, axis);
    out[axis] = sum >= 0 ? 1 : -1;
  }
  return out;
}

/**
 * The best persona-blind answer to `q`: the poles with the highest mean utility over the dataset's
 * personas, i.e. the sign of the mean taste on each axis (the majority's pole on a skewed axis).
 */
export function blindBestPoles(ds: BuiltinDataset, q: BuiltinQuestion, byAxis = blindPoleByAxis(ds)): number[] {
  return q.axes.map((axis) => byAxis[axis]);
}

export type Outcome = 'win' | 'tie' | 'loss';

export interface PairJudgement {
  /** A's outcome against B. */
  outcome: Outcome;
  a: JudgedAnswer;
  b: JudgedAnswer;
}

/** Compares two judged answers for the same persona and question. */
export function compareJudged(a: JudgedAnswer, b: JudgedAnswer): Outcome {
  if (a.valid !== b.valid) return a.valid ? 'win' : 'loss';
  if (!a.valid) return 'tie';
  return a.utility > b.utility ? 'win' : a.utility < b.utility ? 'loss' : 'tie';
}

/** Which of two answers persona `personaId` truly prefers (A's outcome), with both readings. */
export function judgePair(ds: BuiltinDataset, personaId: string, questionId: string, textA: string, textB: string): PairJudgement {
  const a = judgeAnswer(ds, personaId, questionId, textA);
  const b = judgeAnswer(ds, personaId, questionId, textB);
  return { outcome: compareJudged(a, b), a, b };
}

export interface InvalidCounts {
  /** Not parsed (empty, no known sentence, mostly unknown text). */
  unparsed: number;
  /** Parsed, but another question's answer (or no question's, or two questions'). */
  offTopic: number;
  /** (unparsed + offTopic) / pairs. */
  rate: number;
}

export interface PairTally {
  pairs: number;
  wins: number;
  ties: number;
  losses: number;
  /** (wins + ties / 2) / pairs; NaN with no pairs. */
  winRate: number;
  invalidA: InvalidCounts;
  invalidB: InvalidCounts;
}

function invalid(js: readonly JudgedAnswer[]): InvalidCounts {
  const unparsed = js.filter((j) => !j.parse.parsed).length;
  const offTopic = js.filter((j) => j.parse.parsed && !j.parse.onTopic).length;
  return { unparsed, offTopic, rate: js.length ? (unparsed + offTopic) / js.length : 0 };
}

/** Win rate of side A over many pair judgements, ties counted half, with each side's invalid answers. */
export function tallyPairs(judgements: readonly PairJudgement[]): PairTally {
  const count = (o: Outcome) => judgements.filter((j) => j.outcome === o).length;
  const wins = count('win');
  const ties = count('tie');
  const n = judgements.length;
  return {
    pairs: n,
    wins,
    ties,
    losses: n - wins - ties,
    winRate: n ? (wins + ties / 2) / n : NaN,
    invalidA: invalid(judgements.map((j) => j.a)),
    invalidB: invalid(judgements.map((j) => j.b)),
  };
}
