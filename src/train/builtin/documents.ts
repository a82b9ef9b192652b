// The built-in model's training text, as chat messages rendered later through its chat template:
// every (persona, question, preferred answer) row of the training split, with the persona shown
// by the attributes that drive the planted tastes, plus every candidate answer of every question
// without a persona (the response pool). The assistant's turn names the answer's style first, each
// pole after the persona line that drives it ("age: 66 -> a formal tone; religion: Atheist ->
// secular framing"), then the answer: evidence copied from the prompt, then a local choice, is
// what lets a tiny model learn to read the persona (docs/builtin-model.md). Rows of held-out
// personas and held-out questions (DEFAULT_SPLIT's unseen and test rows) never enter training, so
// experiments that start from this model are not graded on text it memorized; the unseen rows
// are its held-out slice.
import {
  AXIS_IDS,
  DEFAULT_SPLIT,
  DRIVER_ATTRIBUTES,
  candidatePoles,
  neutralPoles,
  poleName,
  polesFromId,
  renderPersonaBlock,
  splitDataset,
  type AttributeKey,
  type Attributes,
  type AxisId,
  type BuiltinDataset,
  type BuiltinQuestion,
  type DataRow,
  type Poles,
} from '../../data';
import type { ChatMessage } from '../../models/chat-template';

/** The persona lines the built-in model reads: the attributes that drive the planted tastes. */
export const BUILTIN_MODEL_ATTRIBUTES: readonly AttributeKey[] = DRIVER_ATTRIBUTES;

export interface ChatDoc {
  messages: ChatMessage[];
  /** Absent for the persona-free response-pool documents. */
  personaId?: string;
  /** The persona's attributes (absent for the response pool). */
  attributes?: Attributes;
  questionId: string;
}

/** The system message the built-in model expects for a persona. */
export function builtinPersonaText(attributes: Attributes): string {
  return renderPersonaBlock(attributes, BUILTIN_MODEL_ATTRIBUTES);
}

/** The persona line each axis cites as its evidence: its main driver, as the critique names it
 * (a whole line, or one trait of the big five line). */
const EVIDENCE: Record<AxisId, { key: AttributeKey } | { trait: string }> = {
  formality: { key: 'age' },
  detail: { key: 'education' },
  religious: { key: 'religion' },
  political: { key: 'political views' },
  risk: { key: 'lifestyle' },
  technical: { key: 'occupation category' },
  humour: { trait: 'Extraversion' },
  family: { key: 'family presence and age' },
  frugality: { key: 'income' },
  warmth: { trait: 'Agreeableness' },
};

/** An axis's evidence, written exactly as the persona block writes it, so the model can copy it. */
export function evidence(axis: AxisId, a: Attributes): string {
  const e = EVIDENCE[axis];
  if ('key' in e) return `${e.key}: ${a[e.key]}`;
  return (a['big five scores'] ?? '').split(',').map((t) => t.trim()).find((t) => t.startsWith(e.trait)) ?? e.trait;
}

/**
 * The answer's poles in words, in the fixed axis order: "age: 66 -> a formal tone; religion:
 * Atheist -> secular framing". With a persona, each pole follows the persona line that drives it
 * (copied from the prompt, then the choice: a local step a tiny model learns); without one, the
 * poles alone.
 */
export function styleText(q: BuiltinQuestion, poles: Poles, attributes: Attributes | null = null): string {
  const named = q.axes.map((axis, i) => ({ axis, pole: poles[i] })).filter((a) => a.pole !== 0);
  if (named.length === 0) return 'nothing in particular';
  named.sort((a, b) => AXIS_IDS.indexOf(a.axis) - AXIS_IDS.indexOf(b.axis));
  return named.map((a) => (attributes ? `${evidence(a.axis, attributes)} -> ` : '') + poleName(a.axis, a.pole)).join('; ');
}

/** The assistant's turn: its style line, then the answer (the template adds "Prefers: "). */
export function assistantText(style: string, answer: string): string {
  return `${style}\nAnswer: ${answer}`;
}

/** A generated assistant turn split back into its style line and its answer (answer '' until it starts). */
export function splitAssistantText(text: string): { style: string; answer: string } {
  const i = text.indexOf('\nAnswer:');
  if (i < 0) return { style: text.trim(), answer: '' };
  return { style: text.slice(0, i).trim(), answer: text.slice(i + '\nAnswer:'.length).trim() };
}

export function builtinChat(attributes: Attributes | null, instruction: string, answer?: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (attributes) messages.push({ role: 'system', content: builtinPersonaText(attributes) });
  messages.push({ role: 'user', content: instruction });
  if (answer !== undefined) messages.push({ role: 'assistant', content: answer });
  return messages;
}

/** Every answer a question can have: the neutral one and its 16 candidates. */
export function candidateAnswers(q: BuiltinQuestion): Poles[] {
  return [neutralPoles(q), ...candidatePoles(q)];
}

export interface BuiltinDocuments {
  train: ChatDoc[];
  /** Rows of DEFAULT_SPLIT's unseen personas, for evaluation only. */
  heldOut: ChatDoc[];
  /** The same held-out rows as data. */
  heldOutRows: DataRow[];
}

/** The poles of a built-in row's preferred answer (from its response id). */
export function builtinRowPoles(ds: BuiltinDataset, r: DataRow): Poles {
  const poles = polesFromId(ds.question(r.questionId), (r as { dataId?: string }).dataId ?? '');
  if (!poles) throw new Error(`built-in row ${r.personaId}/${r.questionId} has no response id for its answer`);
  return poles;
}

/**
 * Which answer a training row teaches. 'rows': the row's own preferred answer (one draw of the
 * per-question noise). 'persona-majority': on each of the question's axes, the pole this persona
 * chose most often over its own training rows that have the axis (the row's own pole on a tie):
 * the same training rows, with the per-question noise averaged out per persona, so each answer
 * says what this persona usually prefers (docs/builtin-model.md).
 */
export type BuiltinLabels = 'rows' | 'persona-majority';

export function builtinDocuments(ds: BuiltinDataset, labels: BuiltinLabels = 'rows'): BuiltinDocuments {
  const split = splitDataset(ds, DEFAULT_SPLIT);
  const byId = new Map(ds.personas.map((p) => [p.id, p]));
  const rowPoles = (r: DataRow) => builtinRowPoles(ds, r);
  // Per persona and axis: (+ votes) - (- votes) over its training rows.
  const votes = new Map<string, Map<AxisId, number>>();
  if (labels === 'persona-majority') {
    for (const r of split.train) {
      let v = votes.get(r.personaId);
      if (!v) votes.set(r.personaId, (v = new Map()));
      const poles = rowPoles(r);
      ds.question(r.questionId).axes.forEach((axis, i) => v.set(axis, (v.get(axis) ?? 0) + poles[i]));
    }
  }
  // Held-out personas have no training rows, hence no votes: they keep their own answers.
  const rowDoc = (r: DataRow): ChatDoc => {
    const p = byId.get(r.personaId);
    if (!p) throw new Error(`built-in row ${r.personaId}/${r.questionId} names no persona`);
    const q = ds.question(r.questionId);
    const own = rowPoles(r);
    const v = votes.get(r.personaId);
    const poles = v ? q.axes.map((axis, i) => Math.sign(v.get(axis) ?? 0) || own[i]) : own;
    const answer = poles.every((x, i) => x === own[i]) ? r.data : ds.response(q.id, poles).text;
    return { messages: builtinChat(p.attributes, r.instruction, assistantText(styleText(q, poles, p.attributes), answer)), personaId: r.personaId, attributes: p.attributes, questionId: r.questionId };
  };
  const pool: ChatDoc[] = [];
  for (const q of ds.questions) {
    for (const poles of candidateAnswers(q)) pool.push({ messages: builtinChat(null, q.text, assistantText(styleText(q, poles), ds.response(q.id, poles).text)), questionId: q.id });
  }
  return {
    train: [...pool, ...split.train.map(rowDoc)],
    heldOut: split.unseen.map(rowDoc),
    heldOutRows: split.unseen,
  };
}
