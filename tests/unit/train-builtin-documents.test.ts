// The built-in model's training text (src/train/builtin/documents.ts, in the format of
// src/models/builtin/format.ts): rows of the training split only, each assistant turn a style
// line (evidence copied from the persona block, then the pole) and the answer; with
// persona-majority labels, each persona's answers agree with its own majority pole on every axis,
// and held-out rows keep their own answers.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILTIN, DEFAULT_SPLIT, candidatePoles, generateBuiltin, splitDataset, type Poles } from '../../src/data';
import { evidence, splitAssistantText, styleText } from '../../src/models/builtin/format';
import { builtinDocuments } from '../../src/train/builtin/documents';

const ds = generateBuiltin({ ...DEFAULT_BUILTIN, personas: 40, questionsPerPersona: 12 });
const split = splitDataset(ds, DEFAULT_SPLIT);

/** The poles of a built-in answer text for a question (the candidate with that text). */
function polesOf(questionId: string, answer: string): Poles {
  const q = ds.question(questionId);
  const poles = candidatePoles(q).find((p) => ds.response(q.id, p).text === answer);
  if (!poles) throw new Error(`no candidate of ${questionId} reads "${answer.slice(0, 40)}"`);
  return poles;
}

describe('builtinDocuments', () => {
  it('teaches the training rows\' own answers, with evidence the persona block contains', () => {
    const docs = builtinDocuments(ds, 'rows');
    const rows = docs.train.filter((d) => d.personaId);
    expect(rows.length).toBe(split.train.length);
    expect(docs.train.length - rows.length).toBe(ds.questions.length * 17);
    for (const [i, d] of rows.entries()) {
      const row = split.train[i];
      const { style, answer } = splitAssistantText(d.messages.at(-1)!.content);
      expect(answer).toBe(row.data);
      const q = ds.question(d.questionId);
      expect(style).toBe(styleText(q, polesOf(d.questionId, answer), d.attributes));
      const block = d.messages[0].content;
      for (const axis of q.axes) expect(block).toContain(evidence(axis, d.attributes!));
    }
  });

  it('with persona-majority labels, answers each persona\'s majority pole per axis', () => {
    const own = builtinDocuments(ds, 'rows');
    const majority = builtinDocuments(ds, 'persona-majority');
    expect(majority.train.length).toBe(own.train.length);
    const votes = new Map<string, number>();
    for (const d of own.train.filter((x) => x.personaId)) {
      const poles = polesOf(d.questionId, splitAssistantText(d.messages.at(-1)!.content).answer);
      ds.question(d.questionId).axes.forEach((axis, k) => votes.set(`${d.personaId}|${axis}`, (votes.get(`${d.personaId}|${axis}`) ?? 0) + poles[k]));
    }
    let changed = 0;
    for (const [i, d] of majority.train.entries()) {
      if (!d.personaId) {
        expect(d).toEqual(own.train[i]);
        continue;
      }
      const ownPoles = polesOf(d.questionId, splitAssistantText(own.train[i].messages.at(-1)!.content).answer);
      const poles = polesOf(d.questionId, splitAssistantText(d.messages.at(-1)!.content).answer);
      ds.question(d.questionId).axes.forEach((axis, k) => {
        const v = votes.get(`${d.personaId}|${axis}`)!;
        expect(poles[k]).toBe(v === 0 ? ownPoles[k] : Math.sign(v));
      });
      if (poles.join() !== ownPoles.join()) changed++;
    }
    // Some rows' own draw disagreed with their persona's usual taste; most did not.
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(majority.train.length / 2);
    expect(majority.heldOut).toEqual(own.heldOut);
  });
});
