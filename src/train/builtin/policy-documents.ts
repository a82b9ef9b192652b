// Training text of the persona-blind SFT policy: the chat layout a Stage-2 policy reads (the
// persona as the system message, then the question) followed by an answer whose poles are drawn at
// random, independently of the persona (seeded, one draw per row). So the policy learns the answer
// format and every question's content, but nothing of the persona's taste: what a persona later
// changes in its answers is what preference training taught (docs/builtin-model.md).
// Rows of DEFAULT_SPLIT's seen personas (all their questions: the poles carry no label, so no
// question needs holding out) are training text; rows of the unseen personas are held out.
// A seeded share of the training documents (`marginalShare`) carries no persona at all: Stage 2's
// marginal policy (conditioning `none`) asks this model without a system message, and a base that
// never saw that prompt answers it with broken text, so marginal runs would measure repair of the
// format instead of taste.
import { DEFAULT_SPLIT, splitDataset, type BuiltinDataset, type BuiltinQuestion, type DataRow, type Poles } from '../../data';
import { policyChat } from '../../models/builtin/policy-format';
import { Rng } from '../../util/rng';
import type { BuiltinDocuments, ChatDoc } from './documents';

/** Poles of an answer to `q` drawn uniformly from its 16 candidates (each axis + or - with equal odds). */
export function randomPoles(q: BuiltinQuestion, rng: Rng): Poles {
  return q.axes.map(() => (rng.next() < 0.5 ? -1 : 1));
}

/** The random poles of one row: a function of the seed, the persona and the question only. */
export function blindRowPoles(ds: BuiltinDataset, r: DataRow, seed: number): Poles {
  return randomPoles(ds.question(r.questionId), new Rng(seed).fork(`blind-poles/${r.personaId}/${r.questionId}`));
}

/** Whether a training row is written without its persona (a function of the seed, persona and question). */
export function marginalRow(r: DataRow, seed: number, share: number): boolean {
  return share > 0 && new Rng(seed).fork(`no-persona/${r.personaId}/${r.questionId}`).next() < share;
}

export function policyDocuments(ds: BuiltinDataset, seed: number, marginalShare = 0): BuiltinDocuments {
  const split = splitDataset(ds, DEFAULT_SPLIT);
  const byId = new Map(ds.personas.map((p) => [p.id, p]));
  const doc = (r: DataRow, share: number): ChatDoc => {
    const p = byId.get(r.personaId);
    if (!p) throw new Error(`built-in row ${r.personaId}/${r.questionId} names no persona`);
    const answer = ds.response(r.questionId, blindRowPoles(ds, r, seed)).text;
    const shown = marginalRow(r, seed, share) ? null : p.attributes;
    return { messages: policyChat(shown, r.instruction, answer), personaId: r.personaId, attributes: p.attributes, questionId: r.questionId };
  };
  return { train: [...split.train, ...split.test].map((r) => doc(r, marginalShare)), heldOut: split.unseen.map((r) => doc(r, 0)), heldOutRows: split.unseen };
}
