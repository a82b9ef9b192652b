// How well the built-in model fits text it never trained on: mean next-token loss on held-out
// documents (the same targets as training: question and answer, not the persona), the loss of a
// unigram model fitted to the training targets on the same tokens (the baseline a model that
// ignores context reaches), and whether the model's likelihood prefers, for a held-out persona,
// that persona's own preferred answer over the answer another persona preferred to the same
// question (the personalization signal: a persona-blind model sits at 50%).
import { noGrad } from '../../autograd';
import type { Attributes, BuiltinDataset, BuiltinQuestion, DataRow, Poles } from '../../data';
import type { LlamaModel } from '../../models/llama/model';
import { scoreBatches } from '../../models/scoring';
import type { TextTokenizer } from '../../models/tokenizer';
import { tidy } from '../../tensor';
import { Rng } from '../../util/rng';
import { crossEntropyLoss } from '../losses';
import { assistantText, builtinChat, styleText } from '../../models/builtin/format';
import { builtinRowPoles } from './documents';
import { packRows, rowSlice, type EncodedDoc } from './packing';

/** Mean next-token cross-entropy (nats) over the documents' targets, one document per row. */
export async function documentLoss(model: LlamaModel, docs: readonly EncodedDoc[], T: number, padId: number, batchRows = 4): Promise<{ loss: number; targets: number }> {
  const packed = packRows(docs, T, padId, { perRow: 1 });
  let total = 0;
  for (let r = 0; r < packed.rows; r += batchRows) {
    const n = Math.min(batchRows, packed.rows - r);
    const b = rowSlice(packed, r, n);
    if (b.count === 0) continue;
    const loss = noGrad(() => tidy(() => crossEntropyLoss(model.forward(b.ids, n, T), b.targets)));
    total += (await loss.item()) * b.count;
    loss.dispose();
  }
  return { loss: total / packed.targetCount, targets: packed.targetCount };
}

/**
 * Cross-entropy (nats) on `evalDocs`' targets of the unigram distribution of `trainDocs`' targets,
 * add-one smoothed over the vocabulary.
 */
export function unigramLoss(trainDocs: readonly EncodedDoc[], evalDocs: readonly EncodedDoc[], vocabSize: number): number {
  const counts = new Float64Array(vocabSize).fill(1);
  let total = vocabSize;
  const targets = function* (docs: readonly EncodedDoc[]) {
    for (const d of docs) for (let i = Math.max(1, d.lossFrom); i < d.ids.length; i++) yield d.ids[i];
  };
  for (const id of targets(trainDocs)) {
    counts[id]++;
    total++;
  }
  let nll = 0;
  let n = 0;
  for (const id of targets(evalDocs)) {
    nll -= Math.log(counts[id] / total);
    n++;
  }
  return nll / n;
}

export interface CrossPersonaResult {
  pairs: number;
  /** Share of pairs where log p(own answer | persona, question) > log p(other's answer | ...). */
  accuracy: number;
}

/** An answer as the model's assistant turn writes it after the generation prompt (leading space included). */
export type AnswerTurn = (q: BuiltinQuestion, poles: Poles, attributes: Attributes, answer: string) => string;

/** The built-in model's turn: the style line, with the persona's evidence, then the answer. */
export const styledAnswerTurn: AnswerTurn = (q, poles, attributes, answer) => ' ' + assistantText(styleText(q, poles, attributes), answer);

/**
 * For `pairs` random (row, other row) of held-out personas on the same question with different
 * preferred answers: does the model, given row's persona, rate row's answer above the other's?
 * `turn` writes an answer in the model's format (the persona-blind policy's is the bare answer).
 */
export async function crossPersonaLikelihood(
  model: LlamaModel,
  tok: TextTokenizer,
  ds: BuiltinDataset,
  rows: readonly DataRow[],
  pairs: number,
  seed: number,
  turn: AnswerTurn = styledAnswerTurn,
): Promise<CrossPersonaResult> {
  const byQuestion = new Map<string, DataRow[]>();
  for (const r of rows) {
    const list = byQuestion.get(r.questionId) ?? [];
    list.push(r);
    byQuestion.set(r.questionId, list);
  }
  const rng = new Rng(seed).fork('cross-persona');
  const byId = new Map(ds.personas.map((p) => [p.id, p]));
  const scored: Array<{ prompt: number[]; own: number[]; other: number[] }> = [];
  const questions = [...byQuestion.values()].filter((l) => new Set(l.map((r) => r.data)).size > 1);
  for (let tries = 0; scored.length < pairs && tries < pairs * 20 && questions.length > 0; tries++) {
    const list = rng.pick(questions);
    const a = rng.pick(list);
    const b = rng.pick(list);
    if (a.data === b.data) continue;
    const persona = byId.get(a.personaId);
    if (!persona) continue;
    const prompt = tok.encode(tok.applyChatTemplate(builtinChat(persona.attributes, a.instruction)));
    const q = ds.question(a.questionId);
    // The whole assistant turn, both written for persona a (its evidence lines), with each answer's poles.
    const answer = (r: DataRow) => [...tok.encode(turn(q, builtinRowPoles(ds, r), persona.attributes, r.data)), ...tok.eosIds.slice(0, 1)];
    scored.push({ prompt, own: answer(a), other: answer(b) });
  }
  const rowsToScore = scored.flatMap((s) => [
    { prompt: s.prompt, response: s.own },
    { prompt: s.prompt, response: s.other },
  ]);
  const r = await scoreBatches(model, rowsToScore, { padId: tok.padId, batchSize: 8 });
  let wins = 0;
  for (let i = 0; i < scored.length; i++) if (r.sum[2 * i] > r.sum[2 * i + 1]) wins++;
  return { pairs: scored.length, accuracy: scored.length ? wins / scored.length : NaN };
}
