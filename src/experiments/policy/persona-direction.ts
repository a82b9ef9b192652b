// A persona as a preference direction (issue 11 through issue 13's directional policy): a
// conditional reward model reads the persona's attributes; what it says about each objective is
// how much more it rewards, for that persona, an answer on the objective's + pole than the same
// answer on its − pole. Those differences, over the objectives a directional policy was trained
// on, normalized to unit length, are the direction the policy writes that persona's answers with.
// Nothing here reads the truth: the reward model is the only source of the persona's taste, so a
// reward model that misreads a persona steers its answers wrong, as it would label its pairs wrong.
import { AXIS_IDS, candidatePoles, QUESTIONS, responseText, type AxisId, type BuiltinDataset, type BuiltinQuestion } from '../../data';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import { normalize } from './direction';
import type { PolicyRewardItem, PolicyRewardModel } from './reward';

export interface PersonaDirectionOptions {
  /** Questions per objective whose answers are flipped (a seeded sample of those that use the axis). */
  questionsPerObjective: number;
  /** Candidate answers per question (a seeded sample of its pole combinations). */
  answersPerQuestion: number;
  seed: number;
  signal?: AbortSignal;
}

export const PERSONA_DIRECTION_DEFAULTS: Omit<PersonaDirectionOptions, 'seed'> = { questionsPerObjective: 6, answersPerQuestion: 4 };

/** One probe: a question, an answer's poles, and the slot of the objective's axis in it. */
interface Flip {
  objective: number;
  question: BuiltinQuestion;
  poles: readonly number[];
  slot: number;
}

/** The seeded answer pairs each objective is read on (the same for every persona, so directions compare). */
export function flipPlan(objectives: readonly string[], o: Pick<PersonaDirectionOptions, 'questionsPerObjective' | 'answersPerQuestion' | 'seed'>): Flip[] {
  const plan: Flip[] = [];
  objectives.forEach((name, k) => {
    const rng = new Rng(fnv1a32(`${o.seed}:persona-direction:${name}`));
    const qs = rng.shuffle(QUESTIONS.filter((q) => (q.axes as readonly string[]).includes(name))).slice(0, o.questionsPerObjective);
    for (const q of qs) {
      const slot = (q.axes as readonly string[]).indexOf(name);
      // Only the answers with the axis at −; each is paired with its twin at +.
      const minus = candidatePoles(q).filter((p) => p[slot] === -1);
      for (const poles of rng.shuffle(minus).slice(0, o.answersPerQuestion)) plan.push({ objective: k, question: q, poles, slot });
    }
  });
  return plan;
}

/**
 * Per persona, the unit direction over `objectives` that the reward model reads in it: component
 * k is the mean of r(p, answer with axis k at +) − r(p, the same answer at −). An objective that
 * names no axis of the world gets 0. A persona the model rates flat on every objective has no
 * direction: it gets the zero vector (the policy then writes as at u = 0).
 */
export async function personaDirections(rm: PolicyRewardModel, personaIds: readonly string[], objectives: readonly string[], o: PersonaDirectionOptions): Promise<Map<string, number[]>> {
  const plan = flipPlan(objectives, o);
  const out = new Map<string, number[]>();
  for (const personaId of personaIds) {
    o.signal?.throwIfAborted();
    const items: PolicyRewardItem[] = plan.flatMap((f) => {
      const plus = f.poles.map((p, j) => (j === f.slot ? 1 : p));
      return [f.poles, plus].map((poles) => ({ personaId, questionId: f.question.id, instruction: f.question.text, answer: responseText(f.question, poles) }));
    });
    const scores = await rm.score(items, o.signal);
    const sum = new Array(objectives.length).fill(0);
    const n = new Array(objectives.length).fill(0);
    plan.forEach((f, i) => {
      sum[f.objective] += scores[2 * i + 1] - scores[2 * i];
      n[f.objective]++;
    });
    const raw = sum.map((s, k) => (n[k] ? s / n[k] : 0));
    out.set(personaId, raw.some((x) => x !== 0) ? normalize(raw) : raw);
  }
  return out;
}

/**
 * The truth's view of the reading: over every persona and every objective that names a planted
 * axis (components exactly 0 left out), the share whose direction has the sign of the persona's
 * noise-free taste on that axis.
 */
export function tasteSignAgreement(ds: BuiltinDataset, directions: ReadonlyMap<string, readonly number[]>, objectives: readonly string[]): number {
  const index = new Map(ds.personas.map((p, i) => [p.id, i]));
  let agree = 0;
  let n = 0;
  for (const [personaId, u] of directions) {
    const p = index.get(personaId);
    if (p === undefined) continue;
    objectives.forEach((o, k) => {
      if (!(AXIS_IDS as readonly string[]).includes(o) || u[k] === 0) return;
      n++;
      if (Math.sign(u[k]) === Math.sign(ds.truth.tasteOf(p, o as AxisId))) agree++;
    });
  }
  return n ? agree / n : NaN;
}

/**
 * What the policy writes one answer at: the persona's direction on the objectives the question's
 * answers vary on (its axes; the other components can change nothing in this answer but still
 * move the policy), renormalized and scaled to `strength`. Restricted this way each component the
 * answer depends on is larger (about 0.6 with three axes, instead of about 0.3 over ten), closer
 * to the magnitudes the directional judge moves (0.7). A persona with no reading on any of the
 * question's objectives gets the zero vector.
 */
export function questionDirection(u: readonly number[], objectives: readonly string[], question: BuiltinQuestion, strength: number): number[] {
  const axes = question.axes as readonly string[];
  const r = u.map((x, k) => (axes.includes(objectives[k]) ? x : 0));
  return r.some((x) => x !== 0) ? normalize(r).map((x) => x * strength) : r;
}
