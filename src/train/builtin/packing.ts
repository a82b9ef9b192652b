// Token sequences for the built-in model: a document rendered through the chat template and
// encoded, with the index from which its tokens are trained (the persona is context; the question
// and the answer are targets), where the answer starts, and optional target weights, and documents
// packed whole into fixed-length rows of input ids, next-token targets and target weights.
import { IGNORE_INDEX } from '../../autograd';
import type { ChatMessage } from '../../models/chat-template';
import type { TextTokenizer } from '../../models/tokenizer';

export interface EncodedDoc {
  ids: number[];
  /** Tokens at index >= lossFrom are targets; earlier ones (bos, the persona) are only read. */
  lossFrom: number;
  /** Where the assistant's turn starts (after the generation prompt); ids.length without one. */
  answerFrom: number;
  /** Token index -> weight of that target (default 1). */
  weights?: ReadonlyMap<number, number>;
  /** Token indices where the answer is decided (the trainer logs their loss apart). */
  decisions?: ReadonlySet<number>;
}

export class PackingError extends Error {
  override name = 'PackingError';
}

/**
 * Encodes a document. The persona block and the prompt up to the assistant's turn must tokenize
 * as prefixes of the whole (checked). The question and the assistant's turn are targets; the
 * persona is context only. `targets: 'answer'` trains the assistant's turn alone (the question is
 * context too).
 */
export function encodeDoc(tok: TextTokenizer, doc: { messages: ChatMessage[] }, o: { targets?: 'question-and-answer' | 'answer' } = {}): EncodedDoc {
  const ids = tok.encode(tok.applyChatTemplate(doc.messages, { addGenerationPrompt: false }));
  const prefixOf = (messages: ChatMessage[], generation: boolean) => {
    const prefix = tok.encode(tok.applyChatTemplate(messages, { addGenerationPrompt: generation }));
    if (prefix.some((id, i) => ids[i] !== id)) throw new PackingError('a prompt does not tokenize as a prefix of its document; check the chat template');
    return prefix.length;
  };
  const system = doc.messages.filter((m) => m.role === 'system');
  const context = doc.messages.filter((m) => m.role !== 'assistant');
  const hasAnswer = context.length < doc.messages.length;
  const answerFrom = hasAnswer ? prefixOf(context, true) : ids.length;
  const lossFrom = o.targets === 'answer' ? answerFrom : Math.max(1, prefixOf(system, false));
  return { ids, lossFrom, answerFrom };
}

export interface PackedRows {
  rows: number;
  T: number;
  /** [rows, T] input ids (padding: padId). */
  ids: Int32Array;
  /** [rows, T] the next token of the same document where it is a target, else IGNORE_INDEX. */
  targets: Int32Array;
  /** [rows, T] each target's weight (0 where ignored). */
  weights: Float32Array;
  /** [rows, T] 1 where the target is one of its document's `decisions`, else 0. */
  decisions: Float32Array;
  /** Target tokens (not ignored) in all rows. */
  targetCount: number;
  /** Real (non-padding) input tokens in all rows. */
  tokenCount: number;
  /** Documents cut at T tokens. */
  truncated: number;
}

/**
 * Packs documents (in the given order) greedily into rows of T tokens, each document whole in one
 * row (cut at T when longer), so an answer always sees its persona. Tokens do not predict across
 * a document boundary. `perRow: 1` puts one document in each row (evaluation).
 */
export function packRows(docs: readonly EncodedDoc[], T: number, padId: number, o: { perRow?: number } = {}): PackedRows {
  const rowsOfDocs: EncodedDoc[][] = [];
  let current: EncodedDoc[] = [];
  let used = 0;
  let truncated = 0;
  for (const d of docs) {
    const len = Math.min(d.ids.length, T);
    if (d.ids.length > T) truncated++;
    if (current.length > 0 && (used + len > T || current.length >= (o.perRow ?? Infinity))) {
      rowsOfDocs.push(current);
      current = [];
      used = 0;
    }
    current.push(d);
    used += len;
  }
  if (current.length > 0) rowsOfDocs.push(current);
  const rows = rowsOfDocs.length;
  const ids = new Int32Array(rows * T).fill(padId);
  const targets = new Int32Array(rows * T).fill(IGNORE_INDEX);
  const weights = new Float32Array(rows * T);
  const decisions = new Float32Array(rows * T);
  let targetCount = 0;
  let tokenCount = 0;
  rowsOfDocs.forEach((list, r) => {
    let at = r * T;
    for (const d of list) {
      const len = Math.min(d.ids.length, T);
      for (let i = 0; i < len; i++) {
        ids[at + i] = d.ids[i];
        if (i + 1 < len && i + 1 >= d.lossFrom) {
          targets[at + i] = d.ids[i + 1];
          weights[at + i] = d.weights?.get(i + 1) ?? 1;
          if (d.decisions?.has(i + 1)) decisions[at + i] = 1;
          targetCount++;
        }
      }
      at += len;
      tokenCount += len;
    }
  });
  return { rows, T, ids, targets, weights, decisions, targetCount, tokenCount, truncated };
}

export interface RowBatch {
  ids: Int32Array;
  targets: Int32Array;
  weights: Float32Array;
  decisions: Float32Array;
  /** Targets not ignored. */
  count: number;
}

/** Rows [start, start + count) of a packing, as one batch. */
export function rowSlice(p: PackedRows, start: number, count: number): RowBatch {
  const span = (a: Int32Array | Float32Array) => a.subarray(start * p.T, (start + count) * p.T);
  const targets = span(p.targets) as Int32Array;
  let n = 0;
  for (const t of targets) if (t !== IGNORE_INDEX) n++;
  return { ids: span(p.ids) as Int32Array, targets, weights: span(p.weights) as Float32Array, decisions: span(p.decisions) as Float32Array, count: n };
}
