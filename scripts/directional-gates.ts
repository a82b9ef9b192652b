// How open a saved gated directional policy's gates are at the first block, where a position's
// normalized input is its token's alone: the mean gate σ(h · g_k + b_k) over objectives and over
// the tokens of the held-out questions' answers (all axes at +), and the share above one half.
//   node scripts/node-run.mjs scripts/directional-gates.ts RUN_ID [--save runs/saved]
import { add, matmul, noGrad, sigmoid } from '../src/autograd';
import { responseText } from '../src/data';
import { splitQuestions } from '../src/experiments/policy/directional';
import { promptIds, responseIds } from '../src/experiments/policy/prompts';
import { loadSavedDirectional } from './saved-directional';

const args = process.argv.slice(2);
const i = args.indexOf('--save');
const saveRoot = i >= 0 ? args.splice(i, 2)[1] : 'runs/saved';
const [runId] = args;
if (!runId) throw new Error('usage: directional-gates.ts RUN_ID [--save DIR]');
const { spec, method: m, condition, model, layout } = await loadSavedDirectional(runId, saveRoot, 1);
if (!condition.gate) throw new Error(`${runId}: not a gated policy`);
const { keys, bias } = condition.gate;
const C = condition.width;
const F = condition.features.length;
const be = model.backend;
let sum = 0;
let open = 0;
let n = 0;
for (const q of splitQuestions(m.judge.questions, spec.seed).judge) {
  const answer = responseIds(layout, '', q.text, responseText(q, q.axes.map(() => 1)));
  const ids = Int32Array.from([...promptIds(layout, '', q.text), ...answer]);
  const gates = noGrad(() => {
    const h = model.model.layers[0].input_layernorm.forward(model.model.embed_tokens.forward(be.fromData(ids, [1, ids.length], 'i32')));
    return sigmoid(add(matmul(h, be.fromData(keys, [F, C]), { transB: true }), be.fromData(bias, [F])));
  });
  const g = (await gates.data()) as Float32Array;
  gates.dispose();
  // The answer's tokens only (not the prompt's).
  for (let t = ids.length - answer.length; t < ids.length; t++) {
    for (let k = 0; k < F; k++) {
      const v = g[t * F + k];
      sum += v;
      if (v > 0.5) open++;
      n++;
    }
  }
}
console.log(`${runId}: first-block gates over ${n / F} answer tokens × ${F} objectives: mean ${(sum / n).toFixed(3)}, above 0.5 ${((100 * open) / n).toFixed(1)}%; biases ${Array.from(bias, (b) => b.toFixed(2)).join(' ')}`);
