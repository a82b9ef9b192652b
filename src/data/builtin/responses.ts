// Candidate responses of a built-in question: one per combination of poles on its 4 axes
// (16), plus the neutral response (all poles 0) that plays PERSONA's `original`. Text is a pure
// function of (question, poles): the same response has the same words wherever it appears.
import { AXIS_BY_ID, type AxisId } from './axes';
import { DETAIL, FORMALITY, GENERIC, HUMOUR_GENERIC, TOPICAL, WARMTH } from './phrases';
import type { BuiltinQuestion } from './questions';

/** Poles in the question's axis order: -1, +1, or 0 (the neutral response only). */
export type Poles = readonly number[];

export interface BuiltinResponse {
  id: string;
  questionId: string;
  poles: Poles;
  text: string;
}

export function responseId(question: BuiltinQuestion, poles: Poles): string {
  return `${question.id}/${poles.map((p) => (p > 0 ? '+' : p < 0 ? '-' : '0')).join('')}`;
}

/** Parses an id from `responseId`; undefined when it is not one of this question's. */
export function polesFromId(question: BuiltinQuestion, id: string): Poles | undefined {
  const slash = id.lastIndexOf('/');
  if (slash < 0 || id.slice(0, slash) !== question.id) return undefined;
  const code = id.slice(slash + 1);
  if (code.length !== question.axes.length) return undefined;
  const poles: number[] = [];
  for (const c of code) {
    if (c === '+') poles.push(1);
    else if (c === '-') poles.push(-1);
    else if (c === '0') poles.push(0);
    else return undefined;
  }
  return poles;
}

/** Content axes in the order their sentences appear. */
const CONTENT_ORDER: AxisId[] = ['technical', 'religious', 'political', 'risk', 'family', 'frugality'];

function contentSentence(q: BuiltinQuestion, axis: AxisId, pole: number): string {
  const key = pole > 0 ? 'pos' : 'neg';
  const topical = TOPICAL[q.topic]?.[axis]?.[key];
  if (q.index % 2 === 0 && topical) return topical;
  const generic = GENERIC[axis] ?? HUMOUR_GENERIC;
  return generic[key][(q.index >> 1) % 2];
}

export function responseText(q: BuiltinQuestion, poles: Poles): string {
  const pole = (axis: AxisId): number => {
    const i = q.axes.indexOf(axis);
    return i < 0 ? 0 : poles[i];
  };
  const v = q.index % 2;
  const parts: string[] = [];
  const formality = pole('formality');
  if (formality) parts.push(FORMALITY.open[formality > 0 ? 'pos' : 'neg'][v]);
  const warmth = pole('warmth');
  if (warmth) parts.push(WARMTH[warmth > 0 ? 'pos' : 'neg'][v]);
  parts.push(q.core);
  const detail = pole('detail');
  if (detail > 0) parts.push(q.details[0], q.details[1], DETAIL.pos[v]);
  else if (detail < 0) parts.push(DETAIL.neg[v]);
  else parts.push(q.details[0]);
  for (const axis of CONTENT_ORDER) {
    const p = pole(axis);
    if (p) parts.push(contentSentence(q, axis, p));
  }
  const humour = pole('humour');
  if (humour) parts.push(contentSentence(q, 'humour', humour));
  if (formality) parts.push(FORMALITY.close[formality > 0 ? 'pos' : 'neg'][v]);
  return parts.join(' ');
}

/** All 2^K pole combinations of a question, in a fixed order (first axis varies slowest). */
export function candidatePoles(q: BuiltinQuestion): Poles[] {
  const k = q.axes.length;
  const out: Poles[] = [];
  for (let m = 0; m < 1 << k; m++) {
    const poles: number[] = [];
    for (let i = 0; i < k; i++) poles.push((m >> (k - 1 - i)) & 1 ? 1 : -1);
    out.push(poles);
  }
  return out;
}

export function neutralPoles(q: BuiltinQuestion): Poles {
  return q.axes.map(() => 0);
}

export function makeResponse(q: BuiltinQuestion, poles: Poles): BuiltinResponse {
  return { id: responseId(q, poles), questionId: q.id, poles, text: responseText(q, poles) };
}

/** Human-readable pole names, e.g. "formal tone". */
export function poleName(axis: AxisId, pole: number): string {
  const def = AXIS_BY_ID[axis];
  return pole > 0 ? def.positive : def.negative;
}
