// How many built-in questions a policy base answers readably with the marginal prompt (the
// question alone, what a directional policy reads): greedy, 160 tokens, the truth's parser.
//   node scripts/node-run.mjs scripts/base-readability.ts [builtin-policy|PATH] [--threads N]
// Prints the unreadable questions, among the 14 a directional judge holds out (seed 1) and the rest.
import { splitQuestions } from '../src/experiments/policy/directional';
import { generateAnswers } from '../src/experiments/policy/evaluate';
import { promptIds } from '../src/experiments/policy/prompts';
import { loadPolicyBaseNode } from '../src/experiments/node/load-policy-base';
import { parseAnswer, QUESTIONS } from '../src/data';
import { createBackend } from '../src/tensor';
import { setCpuThreads } from '../src/tensor/cpu/thread-pool';

const args = process.argv.slice(2);
const t = args.indexOf('--threads');
const threads = t >= 0 ? Number(args.splice(t, 2)[1]) : 1;
const which = args[0] ?? 'builtin-policy';
await setCpuThreads(threads);
const be = await createBackend('cpu');
const base = await loadPolicyBaseNode(which === 'builtin-policy' ? { kind: 'builtin-policy' } : { kind: 'path', path: which }, be);
const layout = { tokenizer: base.tokenizer, styled: false };
const answers = await generateAnswers(be, base.model, null, layout, QUESTIONS.map((q) => promptIds(layout, '', q.text)), { samples: 1, temperature: 0, maxNewTokens: 160, batchSize: 16, seed: 1 });
const held = new Set(splitQuestions(14, 1).judge.map((q) => q.id));
const bad = QUESTIONS.filter((q, i) => {
  const a = parseAnswer(q, answers.texts[i]);
  return !(a.parsed && a.onTopic);
});
const inHeld = bad.filter((q) => held.has(q.id));
console.log(`${which}: unreadable greedy answers to ${bad.length} of ${QUESTIONS.length} questions; ${inHeld.length} of the 14 held out (${inHeld.map((q) => q.id).join(', ')}), ${bad.length - inHeld.length} of the other ${QUESTIONS.length - 14} (${bad.filter((q) => !held.has(q.id)).map((q) => q.id).join(', ')})`);
