// The built-in model's training text, as chat messages rendered later through its chat template:
// every (persona, question, preferred answer) row of the training split, with the persona shown
// by the attributes that drive the planted tastes, plus every candidate answer of every question
// without a persona (the response pool). Rows of held-out personas and held-out questions
// (DEFAULT_SPLIT's unseen and test rows) never enter training, so experiments that start from
// this model are not graded on text it memorized; the unseen rows are its held-out slice.
import { DEFAULT_SPLIT, DRIVER_ATTRIBUTES, candidatePoles, neutralPoles, renderPersonaBlock, splitDataset, type AttributeKey, type Attributes, type BuiltinDataset, type DataRow } from '../../data';
import type { ChatMessage } from '../../models/chat-template';

/** The persona lines the built-in model reads: the attributes that drive the planted tastes. */
export const BUILTIN_MODEL_ATTRIBUTES: readonly AttributeKey[] = DRIVER_ATTRIBUTES;

export interface ChatDoc {
  messages: ChatMessage[];
  /** Absent for the persona-free response-pool documents. */
  personaId?: string;
  questionId: string;
}

/** The system message the built-in model expects for a persona. */
export function builtinPersonaText(attributes: Attributes): string {
  return renderPersonaBlock(attributes, BUILTIN_MODEL_ATTRIBUTES);
}

export function builtinChat(attributes: Attributes | null, instruction: string, answer?: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (attributes) messages.push({ role: 'system', content: builtinPersonaText(attributes) });
  messages.push({ role: 'user', content: instruction });
  if (answer !== undefined) messages.push({ role: 'assistant', content: answer });
  return messages;
}

export interface BuiltinDocuments {
  train: ChatDoc[];
  /** Rows of DEFAULT_SPLIT's unseen personas, for evaluation only. */
  heldOut: ChatDoc[];
  /** The same held-out rows as data. */
  heldOutRows: DataRow[];
}

export function builtinDocuments(ds: BuiltinDataset): BuiltinDocuments {
  const split = splitDataset(ds, DEFAULT_SPLIT);
  const byId = new Map(ds.personas.map((p) => [p.id, p]));
  const rowDoc = (r: DataRow): ChatDoc => {
    const p = byId.get(r.personaId);
    if (!p) throw new Error(`built-in row ${r.personaId}/${r.questionId} names no persona`);
    return { messages: builtinChat(p.attributes, r.instruction, r.data), personaId: r.personaId, questionId: r.questionId };
  };
  const pool: ChatDoc[] = [];
  for (const q of ds.questions) {
    for (const poles of [neutralPoles(q), ...candidatePoles(q)]) pool.push({ messages: builtinChat(null, q.text, ds.response(q.id, poles).text), questionId: q.id });
  }
  return { train: [...pool, ...split.train.map(rowDoc)], heldOut: split.unseen.map(rowDoc), heldOutRows: split.unseen };
}
