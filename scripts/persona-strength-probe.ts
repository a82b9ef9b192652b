// A saved directional policy of a skewed-world run (arm 0, e.g. `dpo-direction-skewed` with
// --save) writing for personas at several strengths (method.personaStrength) and guidance values,
// read by the arm's own persona reader (its conditioning, pairs and number of readers) as the run
// does; the truth judges each answer against the base policy's. Per skewed axis, the win rate on
// its minority and majority personas (questions that use the axis), all answers' win rate, and
// the unreadable share. --validate: other personas than the evaluation's (the evaluation's draw
// with seed + 1, its personas left out), every question: where a strength is chosen without
// looking at the evaluation. At strength 1.3 on the evaluation it reproduces the run's numbers.
//   node scripts/node-run.mjs scripts/persona-strength-probe.ts RUN_ID [--validate] [--threads N] STRENGTH[gGUIDANCE]...
//   e.g. 0.9 1.1 1.3 1.3g0.5
import { buildPairSets, compareJudged, judgeAnswer, splitDataset, type AxisId, type BuiltinDataset } from '../src/data';
import { minorityOf } from '../src/data/builtin/skew';
import { evalItems, outcomeScore, writeAnswers } from '../src/experiments/policy/evaluate';
import { trainOwnRewardModel } from '../src/experiments/policy/own-reward';
import { personaDirections, PERSONA_DIRECTION_DEFAULTS, questionDirection } from '../src/experiments/policy/persona-direction';
import { loadBuiltin } from '../src/experiments/prepare';
import { resolveSubset } from '../src/experiments/spec/expand';
import { conditionVectors } from '../src/train/policy/condition-embedding';
import { fnv1a32 } from '../src/util/hash';
import { loadSavedDirectional } from './saved-directional';

const args = process.argv.slice(2);
const take = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args.splice(i, name === 'validate' ? 1 : 2)[name === 'validate' ? 0 : 1];
};
const validate = take('validate') !== undefined;
const threads = Number(take('threads') ?? '1');
const [runId, ...settings] = args;
if (!runId || settings.length === 0) throw new Error('usage: persona-strength-probe.ts RUN_ID [--validate] [--threads N] STRENGTH[gGUIDANCE]...');
const { spec, method: m, model, be, base, condition, layout } = await loadSavedDirectional(runId, 'runs/saved', threads);
const arm = spec.arms[0];
const ds = (await loadBuiltin(spec.data)) as BuiltinDataset;
const split = splitDataset(ds, { seed: spec.seed, unseenFraction: spec.split.unseenFraction, testFraction: spec.split.testFraction });
const sets = buildPairSets(ds, split, { seed: spec.seed, crossPartners: spec.split.crossPartners });
const axes = Object.keys(ds.options.skew ?? {}) as AxisId[];
if (axes.length === 0) throw new Error(`${runId}: not a skewed world`);
const evaluation = evalItems(split, spec.eval, spec.seed);
const evalPersonas = new Set(evaluation.map((it) => it.personaId));
const items = validate
  ? evalItems(split, spec.eval, spec.seed + 1).filter((it) => !evalPersonas.has(it.personaId))
  : evaluation.filter((it) => axes.some((a) => ds.question(it.questionId).axes.includes(a)));
const e = spec.eval;
// The run's settings (runner.ts evaluateArm): its samples seed; one sample a prompt.
const gen = { samples: 1, temperature: e.temperature, maxNewTokens: e.maxNewTokens, batchSize: e.batchSize, seed: fnv1a32(`${spec.seed}:eval`) };
const rm = await trainOwnRewardModel(be, ds, split, sets, spec.seed, { subset: resolveSubset(arm.conditioning), pairs: m.readerPairs, members: m.readers });
const dirs = await personaDirections(rm, [...new Set(items.map((it) => it.personaId))], condition.features, { ...PERSONA_DIRECTION_DEFAULTS, seed: spec.seed });
rm.dispose();
const baseTexts = (await writeAnswers(be, base.model, null, layout, ds, resolveSubset(arm.conditioning), items, gen)).texts;
console.log(`${runId}: ${items.length} prompts of ${new Set(items.map((it) => it.personaId)).size} personas (${validate ? 'outside the evaluation' : 'the evaluation, on the skewed axes'}); reader: ${m.readers} of ${m.readerPairs}`);
const pct = (w: number, n: number) => `${((100 * w) / n).toFixed(1)}% (${w}/${n})`;
for (const setting of settings) {
  const [strength, guidance = 0] = setting.split('g').map(Number);
  const conditions = items.map((it) => conditionVectors(condition.table, condition.width, [questionDirection(dirs.get(it.personaId)!, condition.features, ds.question(it.questionId), strength)]));
  const texts = (await writeAnswers(be, model, null, layout, ds, resolveSubset({ kind: 'preset', name: 'none' }), items, { ...gen, conditions, guidance })).texts;
  const verdicts = items.map((it, i) => outcomeScore(compareJudged(judgeAnswer(ds, it.personaId, it.questionId, texts[i]), judgeAnswer(ds, it.personaId, it.questionId, baseTexts[i]))));
  const cells = axes.map((axis) => {
    const minority = minorityOf(ds, axis);
    const g = { minority: [0, 0], majority: [0, 0] };
    items.forEach((it, i) => {
      if (!ds.question(it.questionId).axes.includes(axis)) return;
      const side = minority.isMinority(it.personaId) ? g.minority : g.majority;
      side[0] += verdicts[i];
      side[1]++;
    });
    return `${axis}: minority ${pct(g.minority[0], g.minority[1])}, majority ${pct(g.majority[0], g.majority[1])}`;
  });
  const unreadable = items.filter((it, i) => !judgeAnswer(ds, it.personaId, it.questionId, texts[i]).valid).length;
  console.log(`strength ${strength}, guidance ${guidance}: ${cells.join('; ')}; all ${pct(verdicts.reduce((s, x) => s + x, 0), items.length)}; unreadable ${((100 * unreadable) / items.length).toFixed(1)}%`);
}
