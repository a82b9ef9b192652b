// The prompt that asks a model to answer an instruction for a persona. The built-in model reads
// exactly its training layout (its chat template, with the attributes it was trained on); another
// model gets every attribute, through its chat template when it has one, else as plain text in
// the same layout.
import { renderPersonaBlock, type Attributes } from '../data';
import type { TextTokenizer } from '../models/tokenizer';
import { builtinChat } from '../models/builtin/format';

export function personaPrompt(tok: TextTokenizer, attributes: Attributes, instruction: string, builtin: boolean): string {
  if (builtin) return tok.applyChatTemplate(builtinChat(attributes, instruction));
  const persona = renderPersonaBlock(attributes);
  if (tok.chatTemplate !== null) {
    return tok.applyChatTemplate([
      { role: 'system', content: `Answer the question for the person described below, in the way they would prefer.\n${persona}` },
      { role: 'user', content: instruction },
    ]);
  }
  return `Persona:\n${persona}\nQuestion: ${instruction}\nAnswer:`;
}
