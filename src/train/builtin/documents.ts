// The built-in model's training text, as chat messages in its prompt format
// (models/builtin/format.ts): every (persona, question, preferred answer) row of the training
// split, plus every candidate answer of every question without a persona (the response pool).
// The assistant's turn names the answer's style, each pole after the persona line that drives it,
// then the answer: evidence copied from the prompt, then a local choice, is what lets a tiny model
// learn to read the persona (docs/builtin-model.md). Rows of held-out personas and held-out
// questions (DEFAULT_SPLIT's unseen and test rows) never enter training, so experiments that start
// from this model are not graded on text it memorized; the unseen rows are its held-out slice.
import {
  DEFAULT_SPLIT,
  candidatePoles,
  neutralPoles,
  polesFromId,
  splitDataset,
  type Attributes,
  type AxisId,
  type BuiltinDataset,
  type BuiltinQuestion,
  type DataRow,
  type Poles,
} from '../../data';
import { assistantText, builtinChat, styleText } from '../../models/builtin/format';
import type { ChatMessage } from '../../models/chat-template';

export interface ChatDoc {
  messages: ChatMessage[];
  /** Absent for the persona-free response-pool documents. */
  personaId?: string;
  /** The persona's attributes (absent for the response pool). */
  attributes?: Attributes;
  questionId: string;
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
