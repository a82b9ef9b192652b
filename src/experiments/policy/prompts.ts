// The text a Stage-2 policy reads and writes, in the base policy's own chat layout: the persona
// (its conditioning subset; nothing for the marginal policy) as the system message, the question
// as the user's turn, and the answer as the assistant's turn. A response's tokens are what the
// template writes after the generation prompt for that answer (so " answer<|eos|>" for the
// built-in layouts, "answer<|im_end|>\n" for ChatML), found by rendering the exchange with and
// without the answer; without a template, Stage 1's plain "Persona: / Question: / Answer:" layout
// (experiments/lm/prompts.ts) and " answer" + eos. The built-in persona-reading model writes a
// style line before its answer (models/builtin/format.ts): for it an answer's turn is that line
// plus the answer, and a generated turn is split back into the answer alone.
import { renderPersonaBlock, type AttributeSubset, type Attributes, type BuiltinDataset } from '../../data';
import { assistantText, splitAssistantText, styleText } from '../../models/builtin/format';
import type { ChatMessage } from '../../models/chat-template';
import type { TextTokenizer } from '../../models/tokenizer';
import { renderDialog } from '../lm/prompts';

export interface PolicyLayout {
  tokenizer: TextTokenizer;
  /** The built-in persona-reading model: a style line precedes every answer. */
  styled: boolean;
}

/** The persona's system message under a conditioning subset ('' when the subset is empty). */
export function personaText(attributes: Attributes, subset: AttributeSubset): string {
  return subset.keys.length ? renderPersonaBlock(attributes, subset.keys) : '';
}

/** Prompt tokens: persona, any earlier exchanges (few-shot examples) and the question, up to where the assistant's answer starts. */
export function promptIds(layout: PolicyLayout, persona: string, instruction: string, examples: readonly ChatMessage[] = []): number[] {
  return layout.tokenizer.encode(renderDialog(layout.tokenizer, persona, [...examples, { role: 'user', content: instruction }]));
}

/** The assistant turn for an answer (the styled model's style line first, from the answer's poles). */
export function assistantTurn(layout: PolicyLayout, ds: BuiltinDataset, answer: string, questionId: string, poles: readonly number[] | null, persona: Attributes | null): string {
  if (!layout.styled || !poles) return answer;
  return assistantText(styleText(ds.question(questionId), poles, persona), answer);
}

/** Response tokens of an assistant turn after `promptIds`'s prompt, end-of-turn included. */
export function responseIds(layout: PolicyLayout, persona: string, instruction: string, turn: string): number[] {
  const tok = layout.tokenizer;
  if (tok.chatTemplate !== null) {
    const messages: ChatMessage[] = [...(persona ? [{ role: 'system' as const, content: persona }] : []), { role: 'user', content: instruction }];
    const prompt = tok.applyChatTemplate(messages, { addGenerationPrompt: true });
    const full = tok.applyChatTemplate([...messages, { role: 'assistant', content: turn }], { addGenerationPrompt: false });
    if (full.startsWith(prompt)) return tok.encode(full.slice(prompt.length), { addSpecialTokens: false });
  }
  const eos = tok.eosIds[0];
  return [...tok.encode(` ${turn}`, { addSpecialTokens: false }), ...(eos === undefined ? [] : [eos])];
}

/** The answer in a generated assistant turn (the styled model's style line removed). */
export function answerOf(layout: PolicyLayout, generated: string): string {
  return layout.styled ? splitAssistantText(generated).answer : generated.trim();
}
