// The built-in model's likelihood readouts of the joint reward model, untrained, on the test pairs of
// `experiment run` with eval.maxPairsPerSet N (seed 1): the summed log-probability of its whole turn
// (style line + answer), per token, of the style line alone, of the answer alone, and the same with
// the log-probability without the persona subtracted (pmi). docs/experiments.md quotes it.
// Usage: node scripts/node-run.mjs scripts/lm-joint-readouts.ts [N=300]
import { prepare, loadBuiltin } from '../src/experiments/prepare';
import { parseSpec } from '../src/experiments/spec/validate';
import { folderLmLoader } from '../src/experiments/node/load-lm';
import { createBackend, tidy } from '../src/tensor';
import { noGrad } from '../src/autograd';
import { scoringBatch } from '../src/models/batch';
import { tokenLogProbs } from '../src/models/scoring';
import { renderDialog, answerIds } from '../src/experiments/lm/prompts';
import { builtinAnswerTurns } from '../src/experiments/lm/builtin-turns';
import { renderPersonaBlock } from '../src/data';
import { BUILTIN_MODEL_ATTRIBUTES } from '../src/models/builtin/format';

const N = Number(process.argv[2] ?? 300);
const be = await createBackend('cpu');
const spec = parseSpec({ name: 'probe', seed: 1, data: { source: 'builtin' }, eval: { maxPairsPerSet: N }, arms: [{ label: 'x', method: { kind: 'reward-model' }, model: { kind: 'lm', input: 'joint' } }] });
const prep = await prepare(spec, loadBuiltin);
const lm = await folderLmLoader()('builtin', be);
const tok = lm.tokenizer;
const turns = builtinAnswerTurns(prep.dataset);
const t0 = Date.now();
for (const set of ['cross', 'unseen'] as const) {
  const pairs = prep.test[set];
  const rows: { prompt: number[]; response: number[]; styleLen: number }[] = [];
  for (const p of pairs) {
    const attrs = prep.personas.get(p.personaId)!.attributes;
    const persona = renderPersonaBlock(attrs, BUILTIN_MODEL_ATTRIBUTES);
    for (const withPersona of [true, false]) {
      const prompt = tok.encode(renderDialog(tok, withPersona ? persona : '', [{ role: 'user', content: p.instruction }]));
      for (const [text, id] of [[p.chosen, p.chosenId], [p.rejected, p.rejectedId]] as const) {
        const turn = turns(text, p.questionId, id, attrs);
        const response = answerIds(tok, turn);
        const styleLen = answerIds(tok, turn.slice(0, turn.indexOf('\nAnswer:'))).length;
        rows.push({ prompt, response, styleLen });
      }
    }
  }
  const lp: { full: number; style: number; n: number }[] = [];
  for (let i = 0; i < rows.length; i += 16) {
    const chunk = rows.slice(i, i + 16);
    const batch = scoringBatch(chunk, tok.padId, 512);
    const t = noGrad(() => tidy(() => tokenLogProbs(lm.model, batch)));
    const v = (await t.data()) as Float32Array;
    t.dispose();
    chunk.forEach((r, b) => {
      let full = 0, style = 0;
      const start = batch.promptLengths[b] - 1;
      for (let k = 0; k < batch.responseLengths[b]; k++) {
        const x = v[b * batch.T + start + k];
        full += x;
        if (k < r.styleLen) style += x;
      }
      lp.push({ full, style, n: batch.responseLengths[b] });
    });
  }
  const acc = (f: (i: number) => number) => {
    let s = 0;
    for (let i = 0; i < pairs.length; i++) { const m = f(i); s += m > 0 ? 1 : m === 0 ? 0.5 : 0; }
    return (100 * s / pairs.length).toFixed(1);
  };
  // rows per pair: [persona c, persona r, none c, none r]
  const g = (i: number, k: number) => lp[4 * i + k];
  console.log(set, pairs.length, 'pairs',
    'sum', acc((i) => g(i, 0).full - g(i, 1).full),
    'mean', acc((i) => g(i, 0).full / g(i, 0).n - g(i, 1).full / g(i, 1).n),
    'style', acc((i) => g(i, 0).style - g(i, 1).style),
    'answer', acc((i) => (g(i, 0).full - g(i, 0).style) - (g(i, 1).full - g(i, 1).style)),
    'pmi', acc((i) => (g(i, 0).full - g(i, 2).full) - (g(i, 1).full - g(i, 3).full)),
    'pmi-style', acc((i) => (g(i, 0).style - g(i, 2).style) - (g(i, 1).style - g(i, 3).style)),
    `${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
