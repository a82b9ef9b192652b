// The text a language model reads in Stage 1, in the model's own chat format when it has one:
// the persona (its attribute subset) as the system message, the question as the user's turn, an
// answer as the assistant's. Roleplay asks which of two responses the persona prefers; few-shot
// puts k answered examples of the same persona before the question. Without a chat template the
// same content is laid out as plain "Persona: / Question: / Answer:" text.
import type { ChatMessage } from '../../models/chat-template';
import type { TextTokenizer } from '../../models/tokenizer';

export const CHOICE_LABELS = ['A', 'B'] as const;

/** The question that asks for a preference between two responses. */
export function choiceQuestion(instruction: string, first: string, second: string): string {
  return `Question: ${instruction}\n\nResponse A: ${first}\n\nResponse B: ${second}\n\nWhich response would you prefer? Answer A or B.`;
}

/** Renders a dialog up to the assistant's next turn (the model continues from here). */
export function renderDialog(tok: TextTokenizer, persona: string, turns: readonly ChatMessage[]): string {
  if (tok.chatTemplate !== null) {
    const messages: ChatMessage[] = persona ? [{ role: 'system', content: persona }, ...turns] : [...turns];
    return tok.applyChatTemplate(messages, { addGenerationPrompt: true });
  }
  const parts: string[] = [];
  if (persona) parts.push(`Persona:\n${persona}`);
  for (const t of turns) parts.push(t.role === 'user' ? `Question: ${t.content}` : `Answer: ${t.content}`);
  parts.push('Answer:');
  return parts.join('\n');
}

/** The tokens of an answer as the model would write it after `renderDialog`'s prompt. */
export function answerIds(tok: TextTokenizer, answer: string): number[] {
  const text = tok.chatTemplate !== null ? answer : ` ${answer}`;
  return tok.encode(text, { addSpecialTokens: false });
}
