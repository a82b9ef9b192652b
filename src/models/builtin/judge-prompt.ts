// The prompt after which the built-in persona-reading model scores an answer as a judge (`cli serve`'s
// log-likelihood replies): the model first reads the persona for the question, axis by axis, as its
// Compare column does (read-persona.ts, greedy), then an answer's likelihood is read after that style
// line and "Answer:". Scored straight after the chat prompt, a bare answer sits where the model
// expects its style line, and its likelihood follows the persona no better than chance; after the
// model's own reading it does (docs/external-judge.md has the numbers). Only for the built-in world's
// questions and a persona given by the lines the model reads (the system message the lab sends).
// The model is our engine's or any behind the inference interface (the built-in model exported to
// ONNX reads the same way: models/reply-judge.ts).
import { DRIVER_ATTRIBUTES, QUESTIONS, type AttributeKey, type Attributes } from '../../data';
import type { ChatMessage } from '../chat-template';
import type { InferenceLm } from '../inference';
import { plainLayout, type JudgeLayout } from '../reply-judge';
import { BUILTIN_CHAT_TEMPLATE } from './spec';
import type { LlamaModel } from '../llama/model';
import type { TextTokenizer } from '../tokenizer';
import { answerPrompt, readPersona } from './read-persona';

/** "key: value" lines back into attributes; null unless every attribute the model reads is there. */
export function personaFromText(text: string): Attributes | null {
  const out: Attributes = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) out[line.slice(0, i).trim() as AttributeKey] = line.slice(i + 2).trim();
  }
  return DRIVER_ATTRIBUTES.every((k) => out[k] !== undefined) ? out : null;
}

/**
 * For [system persona, user question] of the built-in world: the prompt text after the model's own
 * reading of that persona, and the reading; null for any other conversation.
 */
export async function readingPrompt(model: LlamaModel | Pick<InferenceLm, 'score'>, tok: TextTokenizer, context: readonly ChatMessage[]): Promise<{ prompt: string; reading: string } | null> {
  if (context.length !== 2 || context[0].role !== 'system' || context[1].role !== 'user') return null;
  const attributes = personaFromText(context[0].content);
  const q = QUESTIONS.find((x) => x.text === context[1].content.trim());
  if (!attributes || !q) return null;
  const reading = await readPersona(model, tok, q, attributes, { temperature: 0, seed: 0 });
  return { prompt: answerPrompt(tok, q, attributes, reading), reading: reading.style };
}

/**
 * How a judge model scores replies to `context`: the built-in model (its chat template) reads the
 * persona first for a built-in question, and a reply is scored after that reading and "Answer:",
 * ending with its end-of-text token; any other model, or another conversation, scores what its
 * template writes (plainLayout). `cli serve` and an ONNX judge both score through this.
 */
export async function judgeLayout(lm: InferenceLm, tok: TextTokenizer, context: readonly ChatMessage[], who?: string): Promise<JudgeLayout> {
  const guided = tok.chatTemplate === BUILTIN_CHAT_TEMPLATE ? await readingPrompt(lm, tok, context) : null;
  if (!guided) return plainLayout(lm, tok, context, who);
  const prompt = tok.encode(guided.prompt);
  return { rows: (reply) => ({ prompt, response: [...tok.encode(` ${reply}`, { addSpecialTokens: false }), ...tok.eosIds.slice(0, 1)] }), reading: guided.reading };
}
