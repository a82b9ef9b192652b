// The persona-blind SFT policy's prompt layout (public/models/builtin-policy): the persona as the
// system message (the same text the built-in model reads, builtinPersonaText), the question, then
// the answer alone, written freely from "Answer:" with no style line, so nothing but the model
// decides the answer's poles. Stage 2 conditions this policy on the persona it already reads
// (docs/builtin-model.md, "The persona-blind SFT policy").
export { builtinChat as policyChat } from './format';

/** Persona:\n<attributes>\nQuestion: <q>\nAnswer: <a><|eos|>; generation starts after "Answer:". */
export const POLICY_CHAT_TEMPLATE =
  '{{ bos_token }}{% for message in messages %}' +
  "{% if message['role'] == 'system' %}{{ 'Persona:\\n' + message['content'] + '\\n' }}" +
  "{% elif message['role'] == 'user' %}{{ 'Question: ' + message['content'] + '\\n' }}" +
  "{% elif message['role'] == 'assistant' %}{{ 'Answer: ' + message['content'] + eos_token }}" +
  '{% endif %}{% endfor %}' +
  "{% if add_generation_prompt %}{{ 'Answer:' }}{% endif %}";

/** The folder the persona-blind policy ships in, beside the built-in model's. */
export const BUILTIN_POLICY_NAME = 'builtin-policy';
