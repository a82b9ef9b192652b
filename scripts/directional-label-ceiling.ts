// The ceiling the training labels set for a directional policy: for every item of the judge's plan,
// the reward model's own best candidate answer at u− and at u+ (the chosen side of the training
// pairs, by u · r(x)), judged by the truth like a policy's answers. A policy that learned the labels
// exactly would score this; what a trained policy falls short of it is learning, not labelling.
//   node scripts/node-run.mjs scripts/directional-label-ceiling.ts RUN_ID [BASE_DIRECTIONS]
// The run's record (runs/policy/RUN_ID.json) gives the spec: the world, the seed and the split; the
// reward model is fitted again as the run fitted it (rewardModel null), so this takes about 100 s.
import { readFile } from 'node:fs/promises';
import { candidatePoles, responseText, type BuiltinDataset, type BuiltinQuestion } from '../src/data';
import { fitKeptMultiObjective, MultiObjectiveScorer } from '../src/experiments/analysis/kept-model';
import { dot } from '../src/experiments/policy/direction';
import { judgeAxisItems, judgePlan, splitQuestions } from '../src/experiments/policy/directional';
import { loadBuiltin } from '../src/experiments/prepare';
import type { DirectionalMethodSpec, PolicyRecord } from '../src/protocol/policy';

const [runId, baseDirections = '3'] = process.argv.slice(2);
if (!runId) throw new Error('usage: directional-label-ceiling.ts RUN_ID [BASE_DIRECTIONS]');
const record = JSON.parse(await readFile(`runs/policy/${runId}.json`, 'utf8')) as PolicyRecord;
const spec = record.spec;
const m = spec.arms[0].method as DirectionalMethodSpec;
if (m.kind !== 'directional-dpo' || m.rewardModel !== null) throw new Error(`${runId}: arm 0 is not a directional arm that fitted its reward model in the run`);
const ds = (await loadBuiltin(spec.data)) as BuiltinDataset;
const scorer = new MultiObjectiveScorer(fitKeptMultiObjective(ds, spec.seed, m.dims));
const split = splitQuestions(m.judge.questions, spec.seed);
const best = (q: BuiltinQuestion, u: readonly number[]) => {
  let top = '';
  let score = -Infinity;
  for (const poles of candidatePoles(q).filter((p) => p.every((x) => x !== 0))) {
    const text = responseText(q, poles);
    const v = dot(u, scorer.rewards(text));
    if (v > score) [top, score] = [text, v];
  }
  return top;
};
for (const [name, questions] of [['held-out', split.judge], ['training', split.train.slice(0, m.judge.questions)]] as const) {
  const plan = judgePlan(scorer.objectives, questions, { baseDirections: Number(baseDirections), magnitude: m.judge.magnitude }, spec.seed);
  const items = plan.map((p) => ({ question: p.question, objective: p.objective, minus: best(p.question, p.minus), plus: best(p.question, p.plus) }));
  const v = judgeAxisItems(scorer.objectives, items, spec.eval.confidence).overall;
  const pct = (r: { rate: number }) => `${(100 * r.rate).toFixed(1)}%`;
  console.log(`${runId} (seed ${spec.seed}), ${name} questions, ${v.flipped.n} pairs: the labels' best answers turn ${v.flipped.wins}/${v.flipped.n} ${pct(v.flipped)}; the other axes hold ${pct(v.held)}`);
}
