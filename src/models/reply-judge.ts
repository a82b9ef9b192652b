// A language model as a judge by the likelihood method, through the inference interface
// (inference.ts), so our engine's models and ONNX decoders judge alike: each answer is scored
// alone as the model's own reply to [system: persona, user: question] (its total log-probability),
// and the likelier answer wins. No order is ever shown, so none can be favoured: swapping the
// answers swaps the scores. The reply's tokens are what the chat template writes after its
// generation prompt, the same tokens `cli serve` scores for the external judge (replyTokens).
import type { ChatMessage } from './chat-template';
import type { InferenceLm } from './inference';
import type { TextTokenizer } from './tokenizer';

/** A conversation whose reply cannot be scored apart (no template, or one that writes the reply elsewhere). */
export class ReplyLayoutError extends Error {
  override name = 'ReplyLayoutError';
}

/** The conversation and its reply do not fit the judge's context. */
export class JudgeContextError extends Error {
  override name = 'JudgeContextError';
}

/**
 * The prompt tokens (the context with the generation prompt) and the reply's tokens (what the
 * template writes after it for `reply`), in the judge model's chat template.
 */
export function replyTokens(tok: TextTokenizer, context: readonly ChatMessage[], reply: string, who = 'this model'): { prompt: number[]; response: number[] } {
  if (tok.chatTemplate === null) throw new ReplyLayoutError(`${who} has no chat template (tokenizer_config.json chat_template), so a reply cannot be scored as its own`);
  const head = tok.applyChatTemplate(context, { addGenerationPrompt: true });
  const full = tok.applyChatTemplate([...context, { role: 'assistant', content: reply }], { addGenerationPrompt: false });
  if (!full.startsWith(head)) throw new ReplyLayoutError(`${who}'s chat template does not write the reply after its generation prompt, so the reply cannot be scored apart`);
  return { prompt: tok.encode(head), response: tok.encode(full.slice(head.length), { addSpecialTokens: false }) };
}

export interface ReplyJudgePair {
  /** Who the answers are for, in words (the system message). */
  persona: string;
  question: string;
  answers: readonly [string, string];
}

export interface ReplyJudgement {
  /** The likelier answer's index; 'tie' when the two log-probabilities are equal. */
  preferred: 0 | 1 | 'tie';
  /** Each answer's total log-probability as the judge's reply. */
  scores: [number, number];
  /** Each answer's length in the judge's tokens. */
  tokens: [number, number];
}

/** Judges one pair by the likelihood method: both answers scored in one batch, each after the same context. */
export async function judgeByReplyLikelihood(lm: InferenceLm, tok: TextTokenizer, pair: ReplyJudgePair, who = 'the judge model'): Promise<ReplyJudgement> {
  const context: ChatMessage[] = [
    { role: 'system', content: pair.persona },
    { role: 'user', content: pair.question },
  ];
  const rows = pair.answers.map((a) => replyTokens(tok, context, a, who));
  for (const r of rows) {
    const n = r.prompt.length + r.response.length;
    if (n > lm.contextLength) throw new JudgeContextError(`${who} reads at most ${lm.contextLength} tokens; the persona, question and an answer take ${n}: shorten the persona or the answers`);
  }
  const s = await lm.score(rows, { padId: tok.padId, batchSize: 2 });
  const [a, b] = s.sum;
  return { preferred: a > b ? 0 : b > a ? 1 : 'tie', scores: [a, b], tokens: [s.tokens[0], s.tokens[1]] };
}
