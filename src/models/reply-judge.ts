// A language model as a judge by the likelihood method, through the inference interface
// (inference.ts), so our engine's models and ONNX decoders judge alike: each answer is scored
// alone as the model's own reply to [system: persona, user: question] (its total log-probability),
// and the likelier answer wins. No order is ever shown, so none can be favoured: swapping the
// answers swaps the scores. The reply's tokens are what the chat template writes after its
// generation prompt (replyTokens); the built-in model reads the persona first (builtin/judge-prompt.ts
// judgeLayout). `cli serve`'s scoring uses the same layouts, so both judges score the same tokens.
import type { PromptResponse } from './batch';
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
  /** The built-in model's reading of the persona, when it read one first. */
  reading?: string;
}

/** How replies to one conversation are scored: each reply's rows, and the built-in model's reading when it read one. */
export interface JudgeLayout {
  rows(reply: string): PromptResponse;
  reading?: string;
}

/** How a model that reads nothing first scores a reply: what its chat template writes after the generation prompt. */
export async function plainLayout(_lm: InferenceLm, tok: TextTokenizer, context: readonly ChatMessage[], who = 'the judge model'): Promise<JudgeLayout> {
  return { rows: (reply) => replyTokens(tok, context, reply, who) };
}

export type JudgeLayoutFn = typeof plainLayout;

/** Judges one pair by the likelihood method: both answers scored in one batch, each after the same context. */
export async function judgeByReplyLikelihood(
  lm: InferenceLm,
  tok: TextTokenizer,
  pair: ReplyJudgePair,
  o: { who?: string; /** builtin/judge-prompt.ts judgeLayout lets the built-in model read the persona first. */ layout?: JudgeLayoutFn } = {},
): Promise<ReplyJudgement> {
  const who = o.who ?? 'the judge model';
  const context: ChatMessage[] = [
    { role: 'system', content: pair.persona },
    { role: 'user', content: pair.question },
  ];
  const layout = await (o.layout ?? plainLayout)(lm, tok, context, who);
  const rows = pair.answers.map((a) => layout.rows(a));
  for (const r of rows) {
    const n = r.prompt.length + r.response.length;
    if (n > lm.contextLength) throw new JudgeContextError(`${who} reads at most ${lm.contextLength} tokens; the persona, question and an answer take ${n}: shorten the persona or the answers`);
  }
  const s = await lm.score(rows, { padId: tok.padId, batchSize: 2 });
  const [a, b] = s.sum;
  return { preferred: a > b ? 0 : b > a ? 1 : 'tie', scores: [a, b], tokens: [s.tokens[0], s.tokens[1]], ...(layout.reading !== undefined ? { reading: layout.reading } : {}) };
}
