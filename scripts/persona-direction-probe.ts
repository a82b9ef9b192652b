// Probe: a saved directional policy writing for personas. Each evaluation persona of the `dpo`
// preset (by default 20 seen on held-out rows and 20 unseen, 3 questions each; --seen, --unseen) gets a direction: `rm` from the
// run's own conditional reward model (personaDirections), `oracle` from the planted tastes (a
// ceiling, never what the lab runs with), `marginal` from the same reward model's mean over the
// seen personas. The policy writes at that direction under the marginal prompt; the base policy
// writes with the persona in its prompt; the truth judges as a policy run's eval does.
//   node scripts/node-run.mjs scripts/persona-direction-probe.ts RUN_ID [--save runs/saved] [--threads N] [--guidance G] [--scale S] [--restrict 1] [--seen N] [--unseen N] [--kinds rm,oracle,marginal]
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AXIS_IDS, buildPairSets, DRIVER_ATTRIBUTES, splitDataset, type BuiltinDataset } from '../src/data';
import { loadBuiltin } from '../src/experiments/prepare';
import { evalItems, generateAnswers, judgeSet, writeAnswers } from '../src/experiments/policy/evaluate';
import { trainOwnRewardModel } from '../src/experiments/policy/own-reward';
import { personaDirections, PERSONA_DIRECTION_DEFAULTS, questionDirection } from '../src/experiments/policy/persona-direction';
import { promptIds } from '../src/experiments/policy/prompts';
import { poleOf, splitQuestions } from '../src/experiments/policy/directional';
import { resolveSubset } from '../src/experiments/spec/expand';
import { conditionVectors } from '../src/train/policy/condition-embedding';
import { loadSavedDirectional } from './saved-directional';
import { normalize } from '../src/experiments/policy/direction';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const saveRoot = flag('save', 'runs/saved');
const threads = Number(flag('threads', '1'));
const guidance = Number(flag('guidance', '0'));
const scale = Number(flag('scale', '1'));
// `restrict`: the persona's direction on the question's own axes only, renormalized (the other components 0).
const restrict = flag('restrict', '0') === '1';
const kinds = flag('kinds', 'rm,oracle,marginal').split(',');
const [runId] = args;
if (!runId) throw new Error('usage: persona-direction-probe.ts RUN_ID');

const { spec, method: m, model, be, base, condition, layout } = await loadSavedDirectional(runId, saveRoot, threads);
const objectives = condition.features;

const ds = (await loadBuiltin(spec.data)) as BuiltinDataset;
const split = splitDataset(ds, { seed: spec.seed, unseenFraction: spec.split.unseenFraction, testFraction: spec.split.testFraction });
const sets = buildPairSets(ds, split, { seed: spec.seed, crossPartners: spec.split.crossPartners });
const evalSpec = { ...spec.eval, seenPersonas: Number(flag('seen', '20')), unseenPersonas: Number(flag('unseen', '20')), questionsPerPersona: 3 };
const items = evalItems(split, evalSpec, spec.seed);
const heldOut = new Set(splitQuestions(m.judge.questions, spec.seed).judge.map((q) => q.id));
console.log(`${runId}: ${items.length} prompts; ${items.filter((it) => heldOut.has(it.questionId)).length} on the directional judge's held-out questions; guidance ${guidance}, scale ${scale}`);

let t0 = performance.now();
const rm = await trainOwnRewardModel(be, ds, split, sets, spec.seed);
console.log(`reward model: ${rm.description} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
const personas = [...new Set(items.map((it) => it.personaId))];
t0 = performance.now();
const rmDirs = await personaDirections(rm, personas, objectives, { ...PERSONA_DIRECTION_DEFAULTS, seed: spec.seed });
const seenDirs = await personaDirections(rm, split.seenPersonas.slice(0, 200), objectives, { ...PERSONA_DIRECTION_DEFAULTS, seed: spec.seed });
const meanDir = normalize(objectives.map((_, k) => [...seenDirs.values()].reduce((s, u) => s + u[k], 0)));
console.log(`directions (${((performance.now() - t0) / 1000).toFixed(0)} s); marginal ${meanDir.map((x) => x.toFixed(2)).join(' ')}`);

// How often the reward model's direction has the sign of the planted taste, per objective.
const index = new Map(ds.personas.map((p, i) => [p.id, i]));
const oracle = (id: string) => normalize(objectives.map((o) => (AXIS_IDS as readonly string[]).includes(o) ? ds.truth.tasteOf(index.get(id)!, o as (typeof AXIS_IDS)[number]) : 0));
let agree = 0, total = 0;
for (const id of personas) {
  const u = rmDirs.get(id)!, t = oracle(id);
  u.forEach((x, k) => { total++; if (Math.sign(x) === Math.sign(t[k])) agree++; });
}
console.log(`rm direction sign = taste sign on ${agree}/${total} (${((100 * agree) / total).toFixed(1)}%) persona × objective`);

const gen = { samples: evalSpec.samples, temperature: evalSpec.temperature, maxNewTokens: evalSpec.maxNewTokens, batchSize: evalSpec.batchSize, seed: 1 };
t0 = performance.now();
// The base's answers depend on the base and the prompts only: kept between probes.
const cacheFile = join('runs/tmp', `probe-base-${spec.seed}-${evalSpec.seenPersonas}-${evalSpec.unseenPersonas}.json`);
const cached = await readFile(cacheFile, 'utf8').then((t) => JSON.parse(t) as { texts: string[] }).catch(() => null);
const baseAnswers = cached ?? (await writeAnswers(be, base.model, null, layout, ds, resolveSubset({ kind: 'custom', attributes: [...DRIVER_ATTRIBUTES] }), items, gen));
if (!cached) await writeFile(cacheFile, JSON.stringify({ texts: baseAnswers.texts }));
console.log(`base answers ${((performance.now() - t0) / 1000).toFixed(0)} s`);
const prompts = items.map((it) => promptIds(layout, '', it.instruction));
const pct = (r: { rate: number; lo: number; hi: number }) => `${(100 * r.rate).toFixed(1)}% [${(100 * r.lo).toFixed(1)}, ${(100 * r.hi).toFixed(1)}]`;
for (const k of kinds) {
  const dirOf = (id: string) => (k === 'oracle' ? oracle(id) : k === 'marginal' ? meanDir : rmDirs.get(id)!).map((x) => x * scale);
  t0 = performance.now();
  const steerOf = (it: (typeof items)[number]) => {
    const u = dirOf(it.personaId);
    return restrict ? questionDirection(u, objectives, ds.question(it.questionId), scale) : u;
  };
  const conditions = items.map((it) => conditionVectors(condition.table, condition.width, [steerOf(it)]));
  const mine = await generateAnswers(be, model, null, layout, prompts, { ...gen, conditions, guidance });
  const kl = mine.texts.map(() => 0);
  // Obedience: on each answer, each of its question's axes whose pole the truth reads, against sign(u_k).
  let obey = 0, read = 0, unreadAxes = 0;
  items.forEach((it, i) => {
    const q = ds.question(it.questionId);
    const u = dirOf(it.personaId);
    for (const axis of q.axes) {
      const k = objectives.indexOf(axis);
      const p = poleOf(q, mine.texts[i], axis);
      if (p === null || p === 0) { unreadAxes++; continue; }
      read++;
      if (Math.sign(u[k]) === p) obey++;
    }
  });
  console.log(`${k}: answers on the pole sign(u_k) asks for: ${obey}/${read} (${((100 * obey) / read).toFixed(1)}%); unread ${unreadAxes}`);
  for (const set of ['seen', 'unseen'] as const) {
    const r = judgeSet(ds, set, items, 1, mine.texts, baseAnswers.texts, kl, 0.95);
    console.log(`${k} ${set}: vs base ${pct(r.vsBase)}; median ${(100 * r.perPersonaVsBase.median).toFixed(1)}%; vs Bayes ${pct(r.vsBayes)}; utility ${r.meanUtility.toFixed(2)} (base ${r.baseUtility.toFixed(2)}, best ${r.bestUtility.toFixed(2)}); gap closed ${(100 * r.gapClosed).toFixed(1)}%; invalid ${(100 * r.invalidRate).toFixed(1)}% (base ${(100 * r.baseInvalidRate).toFixed(1)}%)`);
  }
  const held = items.map((it, i) => (heldOut.has(it.questionId) ? i : -1)).filter((i) => i >= 0);
  if (held.length) {
    const sub = held.map((i) => items[i]);
    const r = judgeSet(ds, 'seen', sub.map((it) => ({ ...it, set: 'seen' as const })), 1, held.map((i) => mine.texts[i]), held.map((i) => baseAnswers.texts[i]), held.map(() => 0), 0.95);
    console.log(`${k} on the ${held.length} prompts of held-out questions: vs base ${pct(r.vsBase)}`);
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
rm.dispose();
