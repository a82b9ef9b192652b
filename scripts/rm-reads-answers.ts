// Probe: the reward model an online arm optimized, reading the answers a finished run recorded.
// For records written before iterative DPO recorded `evalScore` (the reward model's score of the
// evaluation answers after each iteration), this gives its two ends: the start arm's answers and
// the online arm's final answers on the seen evaluation prompts, scored by the reward model the
// runner trains for the arm (the same seed, subset and reader pairs, so the same model), with the
// paired change of score beside the paired change of true utility. Greedy evaluation answers are
// the policy's last iteration's, so the truth's side must equal the record's last iteration.
//   node scripts/node-run.mjs scripts/rm-reads-answers.ts RUN_ID "START LABEL" "ARM LABEL" [--threads N]
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPairSets, judgeAnswer, splitDataset, type BuiltinDataset } from '../src/data';
import { loadBuiltin } from '../src/experiments/prepare';
import { evalItems } from '../src/experiments/policy/evaluate';
import { pairedChange } from '../src/experiments/policy/online-dpo';
import { trainOwnRewardModel } from '../src/experiments/policy/own-reward';
import { meanInterval } from '../src/experiments/results/intervals';
import { resolveSubset } from '../src/experiments/spec/expand';
import type { PolicyRecord } from '../src/protocol/policy';
import { createBackend } from '../src/tensor';
import { setCpuThreads } from '../src/tensor/cpu/thread-pool';

const args = process.argv.slice(2);
const t = args.indexOf('--threads');
const threads = t >= 0 ? Number(args.splice(t, 2)[1]) : 1;
const [runId, startLabel, armLabel] = args;
if (!runId || !startLabel || !armLabel) throw new Error('usage: rm-reads-answers.ts RUN_ID "START LABEL" "ARM LABEL" [--threads N]');

const record = JSON.parse(await readFile(join('runs/policy', `${runId}.json`), 'utf8')) as PolicyRecord;
const spec = record.spec;
const at = (label: string) => {
  const i = spec.arms.findIndex((a) => a.label === label);
  if (i < 0) throw new Error(`${runId} has no arm "${label}" (it has: ${spec.arms.map((a) => a.label).join('; ')})`);
  if (!record.arms[i].answers) throw new Error(`${runId}: arm "${label}" recorded no answers`);
  return i;
};
const si = at(startLabel);
const ai = at(armLabel);
const start = spec.arms[si].method;
if (start.kind !== 'directional-dpo') throw new Error(`"${startLabel}" is not a directional arm`);

await setCpuThreads(threads);
const be = await createBackend('cpu');
const ds = (await loadBuiltin(spec.data)) as BuiltinDataset;
const split = splitDataset(ds, { seed: spec.seed, unseenFraction: spec.split.unseenFraction, testFraction: spec.split.testFraction });
const sets = buildPairSets(ds, split, { seed: spec.seed, crossPartners: spec.split.crossPartners });
const items = evalItems(split, spec.eval, spec.seed);
const k = spec.eval.samples;
const seen = items.flatMap((it, j) => (it.set === 'seen' ? Array.from({ length: k }, (_, s) => ({ it, j: j * k + s })) : []));
const t0 = Date.now();
const rm = await trainOwnRewardModel(be, ds, split, sets, spec.seed, { subset: resolveSubset(spec.arms[ai].conditioning), pairs: start.readerPairs, members: start.readers });
console.log(`${rm.description} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

const read = async (i: number) => {
  const texts = seen.map(({ j }) => record.arms[i].answers![j]);
  const scores = await rm.score(seen.map(({ it }, n) => ({ personaId: it.personaId, questionId: it.questionId, instruction: it.instruction, answer: texts[n] })));
  const utilities = seen.map(({ it }, n) => judgeAnswer(ds, it.personaId, it.questionId, texts[n]).score);
  return { scores, utilities };
};
const a = await read(si);
const b = await read(ai);
const c = spec.eval.confidence;
const f = (x: { mean: number; lo: number; hi: number }) => `${x.mean.toFixed(3)} [${x.lo.toFixed(3)}, ${x.hi.toFixed(3)}]`;
const rows = [
  ['true utility', a.utilities, b.utilities],
  ['reward-model score', a.scores, b.scores],
] as const;
console.log(`${runId}, ${seen.length} seen evaluation answers: "${startLabel}" → "${armLabel}"`);
for (const [name, before, after] of rows) {
  const d = pairedChange(after, before, c);
  console.log(`${name}: ${f(meanInterval(before, c))} → ${f(meanInterval(after, c))}; paired change ${f(d)} (${d.rose} rose, ${d.fell} fell)`);
}
// How many score points one unit of true utility is worth to the reward model, across the start's
// answers (least squares), to put the two paired changes on one scale.
const mu = a.utilities.reduce((s, x) => s + x, 0) / a.utilities.length;
const ms = a.scores.reduce((s, x) => s + x, 0) / a.scores.length;
let sxy = 0;
let sxx = 0;
let syy = 0;
a.utilities.forEach((u, n) => ((sxy += (u - mu) * (a.scores[n] - ms)), (sxx += (u - mu) ** 2), (syy += (a.scores[n] - ms) ** 2)));
console.log(`across the start's answers: score = ${(sxy / sxx).toFixed(3)} × utility + c, correlation ${(sxy / Math.sqrt(sxx * syy)).toFixed(3)}`);
const last = record.arms[ai].iterations?.at(-1);
if (last) console.log(`the record's last iteration (${last.iteration}): true utility ${last.utility.mean.toFixed(3)}`);
rm.dispose();
