// Probe: what iterative DPO's pairs look like when it continues a saved directional policy
// (method.start). On a seeded sample of training prompts (seen personas, training questions), the
// policy writes K answers per prompt at the persona's direction (read by the run's own conditional
// reward model, as the online arm reads it) at each temperature, plus its greedy answer; the
// reward model picks best and worst as iterative DPO does; the truth says how good those are.
// A temperature whose best-by-reward-model beats its worst by the truth (and beats greedy) gives
// pairs worth training on.
// `--members 1,5` labels the same samples again with an average of 5 reward models (the first
// count's model reads the personas' directions), to see whether a steadier labeller picks best
// and worst more as the truth would.
//   node scripts/node-run.mjs scripts/online-sample-probe.ts RUN_ID [--prompts N] [--k K] [--temperatures 1,0.7,0.4] [--members 1,5] [--threads N]
import { buildPairSets, DRIVER_ATTRIBUTES, judgeAnswer, splitDataset, type BuiltinDataset } from '../src/data';
import { loadBuiltin } from '../src/experiments/prepare';
import { generateAnswers } from '../src/experiments/policy/evaluate';
import { trainOwnRewardModel } from '../src/experiments/policy/own-reward';
import { bestWorstPairs } from '../src/experiments/policy/online-dpo';
import { trainingPrompts } from '../src/experiments/policy/online';
import { personaDirections, PERSONA_DIRECTION_DEFAULTS, questionDirection } from '../src/experiments/policy/persona-direction';
import { promptIds } from '../src/experiments/policy/prompts';
import { resolveSubset } from '../src/experiments/spec/expand';
import { conditionVectors } from '../src/train/policy/condition-embedding';
import { loadSavedDirectional } from './saved-directional';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const threads = Number(flag('threads', '1'));
const count = Number(flag('prompts', '64'));
const K = Number(flag('k', '4'));
const temperatures = flag('temperatures', '1,0.7,0.4').split(',').map(Number);
const memberCounts = flag('members', '1').split(',').map(Number);
const [runId] = args;
if (!runId) throw new Error('usage: online-sample-probe.ts RUN_ID');

const { spec, method: m, model, be, condition, layout } = await loadSavedDirectional(runId, 'runs/saved', threads);
const objectives = condition.features;
const ds = (await loadBuiltin(spec.data)) as BuiltinDataset;
const split = splitDataset(ds, { seed: spec.seed, unseenFraction: spec.split.unseenFraction, testFraction: spec.split.testFraction });
const sets = buildPairSets(ds, split, { seed: spec.seed, crossPartners: spec.split.crossPartners });
const subset = resolveSubset({ kind: 'custom', attributes: [...DRIVER_ATTRIBUTES] });
const labellers: Array<{ members: number; rm: Awaited<ReturnType<typeof trainOwnRewardModel>> }> = [];
for (const members of memberCounts) labellers.push({ members, rm: await trainOwnRewardModel(be, ds, split, sets, spec.seed, { subset, members }) });
const rm = labellers[0].rm;
const items = trainingPrompts(split, count, spec.seed, 'probe');
const dirs = await personaDirections(rm, [...new Set(items.map((it) => it.personaId))], objectives, { ...PERSONA_DIRECTION_DEFAULTS, seed: spec.seed });
const vec = items.map((it) => conditionVectors(condition.table, condition.width, [questionDirection(dirs.get(it.personaId)!, objectives, ds.question(it.questionId), m.personaStrength)]));
const prompts = items.map((it) => promptIds(layout, '', it.instruction));
const truth = (i: number, text: string) => judgeAnswer(ds, items[i].personaId, items[i].questionId, text);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

const greedy = await generateAnswers(be, model, null, layout, prompts, { samples: 1, temperature: 0, maxNewTokens: spec.eval.maxNewTokens, batchSize: 16, seed: 1, conditions: vec });
const g = greedy.texts.map((t, i) => truth(i, t));
console.log(`${runId}: ${items.length} training prompts; greedy: utility ${mean(g.map((a) => a.score)).toFixed(3)}, invalid ${(100 * mean(g.map((a) => (a.valid ? 0 : 1)))).toFixed(1)}%`);
for (const T of temperatures) {
  const rows = prompts.flatMap((p) => Array.from({ length: K }, () => p));
  const conds = vec.flatMap((c) => Array.from({ length: K }, () => c));
  const s = await generateAnswers(be, model, null, layout, rows, { samples: 1, temperature: T, maxNewTokens: spec.eval.maxNewTokens, batchSize: 16, seed: 7, conditions: conds });
  const judged = s.texts.map((t, j) => truth(Math.floor(j / K), t));
  for (const { members, rm: labeller } of labellers) report(T, members, await labeller.score(s.texts.map((answer, j) => ({ ...items[Math.floor(j / K)], answer }))), judged);
}

function report(T: number, members: number, scores: number[], judged: ReturnType<typeof truth>[]) {
  const { pairs, ties } = bestWorstPairs(scores, K);
  let agree = 0;
  let tieT = 0;
  for (const p of pairs) {
    const b = judged[p.best].score;
    const w = judged[p.worst].score;
    if (b > w) agree++;
    else if (b === w) tieT++;
  }
  const best = pairs.map((p) => judged[p.best]);
  const worst = pairs.map((p) => judged[p.worst]);
  const bestVsGreedy = pairs.map((p) => Math.sign(judged[p.best].score - g[p.prompt].score));
  console.log(
    `T ${T}, ${members} reward model${members === 1 ? '' : 's'}: samples utility ${mean(judged.map((a) => a.score)).toFixed(3)}, invalid ${(100 * mean(judged.map((a) => (a.valid ? 0 : 1)))).toFixed(1)}%; ` +
      `pairs ${pairs.length} (ties ${ties}); truth agrees best > worst ${agree}/${pairs.length} (equal ${tieT}); ` +
      `best utility ${mean(best.map((a) => a.score)).toFixed(3)} (invalid ${(100 * mean(best.map((a) => (a.valid ? 0 : 1)))).toFixed(1)}%), worst ${mean(worst.map((a) => a.score)).toFixed(3)} (invalid ${(100 * mean(worst.map((a) => (a.valid ? 0 : 1)))).toFixed(1)}%); ` +
      `best vs greedy: better ${bestVsGreedy.filter((x) => x > 0).length}, worse ${bestVsGreedy.filter((x) => x < 0).length}`,
  );
}
for (const l of labellers) l.rm.dispose();
