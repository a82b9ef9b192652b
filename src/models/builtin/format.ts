// The built-in model's prompt format, as plain chat messages (spec.ts's chat template renders them):
// the persona as the system message, shown by the attributes that drive the built-in world's
// planted tastes; the question as the user's turn; and the assistant's turn, which names the
// answer's style first, each pole after the persona line that drives it ("age: 66 -> a formal
// tone; religion: Atheist -> secular framing"), then the answer. The trainer writes its documents
// in this format and inference (prompts, scoring, the guided read) reads the model in it, so both
// import it from here (docs/builtin-model.md says why the turn starts with its evidence).
import {
  AXIS_IDS,
  DRIVER_ATTRIBUTES,
  poleName,
  renderPersonaBlock,
  type AttributeKey,
  type Attributes,
  type AxisId,
  type BuiltinQuestion,
  type Poles,
} from '../../data';
import type { ChatMessage } from '../chat-template';

/** The persona lines the built-in model reads: the attributes that drive the planted tastes. */
export const BUILTIN_MODEL_ATTRIBUTES: readonly AttributeKey[] = DRIVER_ATTRIBUTES;

/** The system message the built-in model expects for a persona. */
export function builtinPersonaText(attributes: Attributes): string {
  return renderPersonaBlock(attributes, BUILTIN_MODEL_ATTRIBUTES);
}

/** The persona line each axis cites as its evidence: its main driver, as the critique names it
 * (a whole line, or one trait of the big five line). */
const EVIDENCE: Record<AxisId, { key: AttributeKey } | { trait: string }> = {
  formality: { key: 'age' },
  detail: { key: 'education' },
  religious: { key: 'religion' },
  political: { key: 'political views' },
  risk: { key: 'lifestyle' },
  technical: { key: 'occupation category' },
  humour: { trait: 'Extraversion' },
  family: { key: 'family presence and age' },
  frugality: { key: 'income' },
  warmth: { trait: 'Agreeableness' },
};

/** An axis's evidence, written exactly as the persona block writes it, so the model can copy it. */
export function evidence(axis: AxisId, a: Attributes): string {
  const e = EVIDENCE[axis];
  if ('key' in e) return `${e.key}: ${a[e.key]}`;
  return (a['big five scores'] ?? '').split(',').map((t) => t.trim()).find((t) => t.startsWith(e.trait)) ?? e.trait;
}

/**
 * The answer's poles in words, in the fixed axis order: "age: 66 -> a formal tone; religion:
 * Atheist -> secular framing". With a persona, each pole follows the persona line that drives it
 * (copied from the prompt, then the choice: a local step a tiny model learns); without one, the
 * poles alone.
 */
export function styleText(q: BuiltinQuestion, poles: Poles, attributes: Attributes | null = null): string {
  const named = q.axes.map((axis, i) => ({ axis, pole: poles[i] })).filter((a) => a.pole !== 0);
  if (named.length === 0) return 'nothing in particular';
  named.sort((a, b) => AXIS_IDS.indexOf(a.axis) - AXIS_IDS.indexOf(b.axis));
  return named.map((a) => (attributes ? `${evidence(a.axis, attributes)} -> ` : '') + poleName(a.axis, a.pole)).join('; ');
}

/** The assistant's turn: its style line, then the answer (the template adds "Prefers: "). */
export function assistantText(style: string, answer: string): string {
  return `${style}\nAnswer: ${answer}`;
}

/** A generated assistant turn split back into its style line and its answer (answer '' until it starts). */
export function splitAssistantText(text: string): { style: string; answer: string } {
  const i = text.indexOf('\nAnswer:');
  if (i < 0) return { style: text.trim(), answer: '' };
  return { style: text.slice(0, i).trim(), answer: text.slice(i + '\nAnswer:'.length).trim() };
}

/** The messages of one exchange: the persona (if any), the question, and the assistant's turn if given. */
export function builtinChat(attributes: Attributes | null, instruction: string, answer?: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (attributes) messages.push({ role: 'system', content: builtinPersonaText(attributes) });
  messages.push({ role: 'user', content: instruction });
  if (answer !== undefined) messages.push({ role: 'assistant', content: answer });
  return messages;
}
