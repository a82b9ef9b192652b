// The built-in dataset: personas, questions, and one PERSONA-schema row per (persona, question
// the persona answers). `original` is the neutral response, `data` the persona's best response
// under the true utility, `critique` a short rationale naming the axes that differ. Deterministic
// from the seed: same options, same bytes, in Node and in every browser.
import type { Dataset, DataRow, PersonaRecord } from '../schema';
import type { AXIS_IDS } from './axes';
import { BuiltinTruth } from './model';
import { samplePersonaAttributes, streamFor } from './personas';
import { QUESTIONS, type BuiltinQuestion } from './questions';
import { makeResponse, neutralPoles, poleName, responseId, type BuiltinResponse, type Poles } from './responses';
import { formatSkew, normalizeSkew, skewCenters, skewedTastes, skewIdPart, skewProblem, type Skew } from './skew';

export interface BuiltinOptions {
  seed: number;
  /** Number of personas (default 1,000). */
  personas: number;
  /** Questions each persona answers, drawn from the 70 (default 24). */
  questionsPerPersona: number;
  /** sigma: scale of the per-question noise on the standardized tastes (default DEFAULT_NOISE). */
  noise: number;
  /** Skewed axes: the share of personas on each one's + pole (skew.ts). Absent: the default world. */
  skew?: Skew;
}

/** Chosen so that the cross-persona Bayes ceiling is in [80%, 95%] (docs/builtin-dataset.md). */
export const DEFAULT_NOISE = 0.8;
export const DEFAULT_BUILTIN: BuiltinOptions = { seed: 1, personas: 1000, questionsPerPersona: 24, noise: DEFAULT_NOISE };

/** A row of the built-in data, with the response ids the truth understands. */
export interface BuiltinRow extends DataRow {
  originalId: string;
  dataId: string;
}

export interface BuiltinDataset extends Dataset {
  source: 'builtin';
  options: BuiltinOptions;
  questions: readonly BuiltinQuestion[];
  truth: BuiltinTruth;
  rows: BuiltinRow[];
  /** Every response that appears or can appear (16 candidates + neutral per question), by id. */
  response(questionId: string, poles: Poles): BuiltinResponse;
  responseById(id: string): BuiltinResponse | undefined;
  question(questionId: string): BuiltinQuestion;
}

export class BuiltinOptionsError extends RangeError {
  override name = 'BuiltinOptionsError';
}

function checkOptions(o: BuiltinOptions): void {
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new BuiltinOptionsError(`seed must be an integer in [0, 2^32), got ${o.seed}`);
  if (!Number.isInteger(o.personas) || o.personas < 2 || o.personas > 1_000_000) throw new BuiltinOptionsError(`personas must be an integer in [2, 1e6], got ${o.personas}`);
  if (!Number.isInteger(o.questionsPerPersona) || o.questionsPerPersona < 1 || o.questionsPerPersona > QUESTIONS.length)
    throw new BuiltinOptionsError(`questionsPerPersona must be an integer in [1, ${QUESTIONS.length}], got ${o.questionsPerPersona}`);
  if (!(o.noise >= 0 && o.noise <= 10)) throw new BuiltinOptionsError(`noise must be in [0, 10], got ${o.noise}`);
  const bad = o.skew === undefined ? undefined : skewProblem(o.skew);
  if (bad) throw new BuiltinOptionsError(`skew${bad.key ? `.${bad.key}` : ''} ${bad.problem}`);
}

export function builtinDatasetId(o: BuiltinOptions): string {
  const skew = normalizeSkew(o.skew);
  return `builtin-s${o.seed}-p${o.personas}-q${o.questionsPerPersona}-n${o.noise}${skew ? `-skew-${skewIdPart(skew)}` : ''}`;
}

function personaId(i: number, n: number): string {
  return `b${String(i + 1).padStart(Math.max(4, String(n).length), '0')}`;
}

/** Short reasons for the critique: the value behind each axis, in words. */
function reason(axis: (typeof AXIS_IDS)[number], p: PersonaRecord): string {
  const a = p.attributes;
  const trait = (name: string) => (a['big five scores'] ?? '').split(',').map((s) => s.trim()).find((s) => s.startsWith(name)) ?? name;
  switch (axis) {
    case 'formality':
      return `age ${a.age}`;
    case 'detail':
      return `education: ${a.education}`;
    case 'religious':
      return `religion: ${a.religion}`;
    case 'political':
      return `political views: ${a['political views']}`;
    case 'risk':
      return `lifestyle: ${a.lifestyle}`;
    case 'technical':
      return `job: ${a['detailed job description']}`;
    case 'humour':
      return trait('Extraversion');
    case 'family':
      return `family: ${a['family presence and age']}`;
    case 'frugality':
      return `income ${a.income}`;
    case 'warmth':
      return trait('Agreeableness');
  }
}

function critique(q: BuiltinQuestion, best: Poles, persona: PersonaRecord): string {
  const wants = q.axes.map((axis, k) => `${poleName(axis, best[k])} (${reason(axis, persona)})`);
  const list = wants.length > 1 ? `${wants.slice(0, -1).join(', ')} and ${wants[wants.length - 1]}` : wants[0];
  return `The generic answer is sound but not written for this person. They would prefer ${list}.`;
}

export function generateBuiltin(options: Partial<BuiltinOptions> = {}): BuiltinDataset {
  // Undefined options mean "the default" (callers pass optional CLI flags straight through).
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o: BuiltinOptions = { ...DEFAULT_BUILTIN, ...given };
  checkOptions(o);
  // An empty skew is the default world: drop it so ids and options stay those of the default.
  const skew = normalizeSkew(o.skew);
  if (skew) o.skew = skew;
  else delete o.skew;
  const personas: PersonaRecord[] = [];
  for (let i = 0; i < o.personas; i++) {
    const id = personaId(i, o.personas);
    personas.push({ id, attributes: samplePersonaAttributes(o.seed, i), missing: [], extra: [], label: id });
  }
  const truth = new BuiltinTruth(o.seed, o.noise, personas, skew ? skewedTastes(o.seed, skewCenters(o.seed, personas, skew)) : undefined);
  const byId = new Map(QUESTIONS.map((q) => [q.id, q]));
  const responses = new Map<string, BuiltinResponse>();
  const response = (questionId: string, poles: Poles): BuiltinResponse => {
    const q = byId.get(questionId);
    if (!q) throw new RangeError(`No built-in question ${questionId}`);
    const id = responseId(q, poles);
    let r = responses.get(id);
    if (!r) {
      r = makeResponse(q, poles);
      responses.set(id, r);
    }
    return r;
  };

  const rows: BuiltinRow[] = [];
  const order = QUESTIONS.map((_, i) => i);
  for (let p = 0; p < personas.length; p++) {
    const picked = streamFor(o.seed, 'questions', p).shuffle(order.slice()).slice(0, o.questionsPerPersona).sort((a, b) => a - b);
    for (const qi of picked) {
      const q = QUESTIONS[qi];
      const best = truth.bestPoles(p, q);
      const original = response(q.id, neutralPoles(q));
      const data = response(q.id, best);
      rows.push({
        personaId: personas[p].id,
        questionId: q.id,
        instruction: q.text,
        original: original.text,
        critique: critique(q, best, personas[p]),
        data: data.text,
        questionType: q.topic,
        originalId: original.id,
        dataId: data.id,
      });
    }
  }

  return {
    id: builtinDatasetId(o),
    name: `Built-in (seed ${o.seed}, ${o.personas} personas${skew ? `, skewed ${formatSkew(skew)}` : ''})`,
    source: 'builtin',
    options: o,
    personas,
    rows,
    questions: QUESTIONS,
    truth,
    response,
    responseById(id) {
      const slash = id.lastIndexOf('/');
      const q = byId.get(id.slice(0, slash));
      if (!q) return undefined;
      const code = id.slice(slash + 1);
      if (code.length !== q.axes.length || /[^+\-0]/.test(code)) return undefined;
      return response(q.id, [...code].map((c) => (c === '+' ? 1 : c === '-' ? -1 : 0)));
    },
    question(questionId) {
      const q = byId.get(questionId);
      if (!q) throw new RangeError(`No built-in question ${questionId}`);
      return q;
    },
  };
}
