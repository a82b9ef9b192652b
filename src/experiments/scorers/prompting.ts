// Roleplay and few-shot baselines: no training, the language model is asked. Two readouts:
//   choice:     "which response would you prefer? Answer A or B" and the probabilities of the two
//               choice tokens, averaged over both orders of the responses (position bias is real);
//   likelihood: log p(response | persona, question) of each response per token (responses differ
//               in length and a plain sum favours the shorter one), for base models that were
//               never taught to answer A or B (the built-in model was trained on exactly this).
// Few-shot puts k examples of the same persona (other questions, training rows first) before
// the question: answered A/B examples for the choice readout, preferred answers for likelihood.
// The model is any InferenceLm: our engine's checkpoints, or an ONNX decoder (models/onnx).
import type { DataRow, PreferencePair } from '../../data';
import type { ChatMessage } from '../../models/chat-template';
import { ChoiceTokenError, choiceTokenIds } from '../../models/choice';
import { padBatch } from '../../models/batch';
import { preferenceProbability } from '../../train/preference-losses';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import type { PromptLm } from '../lm/loaded';
import type { TextTokenizer } from '../../models/tokenizer';
import { answerIds, CHOICE_LABELS, choiceQuestion, renderDialog } from '../lm/prompts';
import type { Predictor } from './scorer';
import { abortPoint } from '../../util/abort-point';

export interface PromptingOptions {
  readout: 'choice' | 'likelihood';
  /** Examples of the same persona before the question (0 for roleplay). */
  k: number;
  /** The persona text for a persona id ('' for none). */
  personaText(personaId: string): string;
  /** Candidate example rows of a persona: its training rows, then (unseen personas) its others. */
  examples(personaId: string): ExamplePool;
  /**
   * The assistant turn the model writes for an answer (the built-in model puts a style line
   * first: lm/builtin-turns.ts); the bare answer when absent.
   */
  answerTurn?(text: string, questionId: string, responseId: string | undefined, personaId: string): string;
  seed: number;
  maxTokens: number;
  batchSize?: number;
}

export class PromptingPredictor implements Predictor {
  readonly description: string;
  private choiceIds: number[] | null = null;
  private readonly maxLength: number;

  constructor(
    private readonly lm: PromptLm,
    private readonly o: PromptingOptions,
  ) {
    this.maxLength = Math.min(o.maxTokens, lm.inference.contextLength);
    const how = o.readout === 'choice' ? 'choice-token probabilities over both orders' : 'mean token log-likelihood';
    this.description = `${lm.name}, ${o.k > 0 ? `${o.k} examples, ` : ''}${how}`;
  }

  /** k example turns for a persona, never from the question being asked. */
  private exampleTurns(pair: PreferencePair): ChatMessage[] {
    if (this.o.k === 0) return [];
    const usable = (rows: readonly DataRow[]) => rows.filter((r) => r.questionId !== pair.questionId && r.data !== r.original);
    const pool = this.o.examples(pair.personaId);
    const rng = new Rng(fnv1a32(`${this.o.seed}:examples:${pair.personaId}:${pair.questionId}`));
    const picked = [...rng.shuffle(usable(pool.train)), ...rng.shuffle(usable(pool.other))].slice(0, this.o.k);
    const turns: ChatMessage[] = [];
    for (const r of picked) {
      if (this.o.readout === 'likelihood') {
        turns.push({ role: 'user', content: r.instruction }, { role: 'assistant', content: this.turn(r.data, r.questionId, (r as { dataId?: string }).dataId, pair.personaId) });
      } else {
        const dataFirst = rng.next() < 0.5;
        turns.push(
          { role: 'user', content: choiceQuestion(r.instruction, dataFirst ? r.data : r.original, dataFirst ? r.original : r.data) },
          { role: 'assistant', content: dataFirst ? CHOICE_LABELS[0] : CHOICE_LABELS[1] },
        );
      }
    }
    return turns;
  }

  private turn(text: string, questionId: string, responseId: string | undefined, personaId: string): string {
    return this.o.answerTurn ? this.o.answerTurn(text, questionId, responseId, personaId) : text;
  }

  private encodePrompt(text: string): number[] {
    const ids = this.lm.tokenizer.encode(text);
    // Still too long without examples: drop the start, keep the question.
    return ids.length > this.maxLength ? ids.slice(ids.length - this.maxLength) : ids;
  }

  private choiceTokens(promptText: string): number[] {
    if (this.choiceIds) return this.choiceIds;
    try {
      this.choiceIds = choiceTokenIds(this.lm.tokenizer, promptText, CHOICE_LABELS);
    } catch (e) {
      if (!(e instanceof ChoiceTokenError)) throw e;
      this.choiceIds = choiceTokenIds(this.lm.tokenizer, promptText, CHOICE_LABELS.map((l) => ` ${l}`));
    }
    return this.choiceIds;
  }

  /** P(first label) for each prompt. */
  private async firstLabelProbs(prompts: readonly string[], signal?: AbortSignal, onProgress?: (done: number) => void): Promise<Float32Array> {
    const out = new Float32Array(prompts.length);
    const size = this.o.batchSize ?? 8;
    const { inference, tokenizer } = this.lm;
    for (let i = 0; i < prompts.length; i += size) {
      await abortPoint(signal);
      const texts = prompts.slice(i, i + size);
      const ids = this.choiceTokens(texts[0]);
      const batch = padBatch(texts.map((t) => this.encodePrompt(t)), tokenizer.padId);
      const v = await inference.lastTokenLogits(batch, ids);
      for (let b = 0; b < batch.B; b++) out[i + b] = preferenceProbability(v[b * 2] - v[b * 2 + 1]);
      onProgress?.(i + batch.B);
      await new Promise((r) => setTimeout(r, 0));
    }
    return out;
  }

  async predict(pairs: readonly PreferencePair[], signal?: AbortSignal, onProgress?: (done: number) => void): Promise<Float32Array> {
    const tok = this.lm.tokenizer;
    if (this.o.readout === 'choice') {
      const prompts: string[] = [];
      for (const p of pairs) {
        const persona = this.o.personaText(p.personaId);
        const turns = this.exampleTurns(p);
        prompts.push(fitDialog(tok, persona, turns, { role: 'user', content: choiceQuestion(p.instruction, p.chosen, p.rejected) }, 0, this.maxLength));
        prompts.push(fitDialog(tok, persona, turns, { role: 'user', content: choiceQuestion(p.instruction, p.rejected, p.chosen) }, 0, this.maxLength));
      }
      const first = await this.firstLabelProbs(prompts, signal, (n) => onProgress?.(Math.floor(n / 2)));
      // P(chosen) = mean of P(A | chosen is A) and P(B | chosen is B).
      return Float32Array.from(pairs, (_, i) => 0.5 * (first[2 * i] + (1 - first[2 * i + 1])));
    }
    const rows = pairs.flatMap((p) => {
      const chosen = answerIds(tok, this.turn(p.chosen, p.questionId, p.chosenId, p.personaId));
      const rejected = answerIds(tok, this.turn(p.rejected, p.questionId, p.rejectedId, p.personaId));
      const reserve = Math.max(chosen.length, rejected.length);
      const prompt = tok.encode(fitDialog(tok, this.o.personaText(p.personaId), this.exampleTurns(p), { role: 'user', content: p.instruction }, reserve, this.maxLength));
      return [
        { prompt, response: chosen },
        { prompt, response: rejected },
      ];
    });
    const means: number[] = [];
    const size = (this.o.batchSize ?? 8) * 2;
    for (let i = 0; i < rows.length; i += size) {
      await abortPoint(signal);
      const s = await this.lm.inference.score(rows.slice(i, i + size), { padId: tok.padId, batchSize: size, maxLength: this.maxLength });
      means.push(...s.mean);
      onProgress?.(Math.floor(means.length / 2));
      await new Promise((r) => setTimeout(r, 0));
    }
    // A logistic of the per-token difference: its side of 0.5 (what accuracy scores) is the readout.
    return Float32Array.from(pairs, (_, i) => preferenceProbability(means[2 * i] - means[2 * i + 1]));
  }

  dispose(): void {
    // The model belongs to the run (shared by its arms); nothing of its own to release.
  }
}

/**
 * The dialog (persona, example turns in user/assistant pairs, the final turn) with as many examples
 * as fit in `maxLength` tokens beside `reserve` tokens still to come: the oldest examples go first,
 * the persona and the question stay (cutting the text from its start would lose the persona first).
 */
export function fitDialog(tok: TextTokenizer, persona: string, examples: readonly ChatMessage[], last: ChatMessage, reserve: number, maxLength: number): string {
  let kept = examples;
  let text = renderDialog(tok, persona, [...kept, last]);
  while (kept.length > 0 && tok.encode(text).length + reserve > maxLength) {
    kept = kept.slice(2);
    text = renderDialog(tok, persona, [...kept, last]);
  }
  return text;
}

export interface ExamplePool {
  train: DataRow[];
  other: DataRow[];
}

/** Each persona's rows for few-shot examples, split into training rows and the rest. */
export function examplePools(rows: readonly DataRow[], trainRows: ReadonlySet<DataRow>): Map<string, ExamplePool> {
  const out = new Map<string, ExamplePool>();
  for (const r of rows) {
    let pool = out.get(r.personaId);
    if (!pool) out.set(r.personaId, (pool = { train: [], other: [] }));
    (trainRows.has(r) ? pool.train : pool.other).push(r);
  }
  return out;
}
