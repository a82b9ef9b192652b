// Chat templates: the Jinja string in tokenizer_config.json that turns a list of messages into the
// exact prompt text the model was trained on, rendered with @huggingface/jinja. Roleplay and
// few-shot prompts go through this so an instruct model sees its own format.
import { Template } from '@huggingface/jinja';
import { ChatTemplateError } from './errors';

export interface ChatMessage {
  role: string;
  content: string;
}

/** tokenizer_config.json's chat_template: a string, or a list of {name, template} (use 'default'). */
export function pickChatTemplate(raw: unknown): string | null {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) {
    const named = raw.filter((t): t is { name: string; template: string } => typeof t?.template === 'string');
    return (named.find((t) => t.name === 'default') ?? named[0])?.template ?? null;
  }
  return null;
}

export interface RenderOptions {
  addGenerationPrompt: boolean;
  bosToken: string;
  eosToken: string;
  /** Further variables some templates read (e.g. `tools`, `date_string`). */
  extra?: Record<string, unknown>;
}

const compiled = new Map<string, Template>();

export function renderChatTemplate(template: string | null, messages: readonly ChatMessage[], o: RenderOptions): string {
  if (template === null) {
    throw new ChatTemplateError('This tokenizer has no chat_template in tokenizer_config.json: use a plain prompt format, or an instruct model.');
  }
  let t = compiled.get(template);
  try {
    if (!t) {
      t = new Template(template);
      compiled.set(template, t);
    }
    return t.render({
      ...o.extra,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      add_generation_prompt: o.addGenerationPrompt,
      bos_token: o.bosToken,
      eos_token: o.eosToken,
    });
  } catch (e) {
    throw new ChatTemplateError(`The chat template failed: ${(e as Error).message}`);
  }
}
