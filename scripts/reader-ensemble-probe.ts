// How steadily a directional arm's persona reader reads the evaluation personas: one reader per
// seed, and the mean of several (method.readers), each as the share of the planted tastes' signs
// it gets right, overall and for the minority and majority of each skewed axis (on the default
// world, the personas on either side of 0). The reader is the preset's first arm's: its
// conditioning and its pairs.
//   node scripts/node-run.mjs scripts/reader-ensemble-probe.ts [PRESET] [READERS...] --threads 1
//   READERS: a seed list joined by '+' is one averaged reader: 1 2 3 4 5 1+2+3+4+5
import { applyThreadsFlag } from '../src/cli/threads-flag';
import { AXIS_IDS, buildPairSets, isBuiltin, splitDataset, type AxisId } from '../src/data';
import { minorityOf } from '../src/data/builtin/skew';
import { evalItems } from '../src/experiments/policy/evaluate';
import { trainOwnRewardModel } from '../src/experiments/policy/own-reward';
import { personaDirections, PERSONA_DIRECTION_DEFAULTS } from '../src/experiments/policy/persona-direction';
import { policyPresetSpec } from '../src/experiments/policy/presets';
import { loadBuiltin } from '../src/experiments/prepare';
import { resolveSubset } from '../src/experiments/spec/expand';
import { createBackend } from '../src/tensor';

const args = applyThreadsFlag(process.argv.slice(2));
const preset = args[0] ?? 'dpo-direction-skewed';
const readers = (args.length > 1 ? args.slice(1) : ['1', '2', '3', '4', '5', '1+2+3+4+5']).map((r) => r.split('+').map(Number));
const spec = policyPresetSpec(preset);
const arm = spec.arms[0];
if (arm.method.kind !== 'directional-dpo') throw new Error(`${preset}: its first arm is not a directional one`);
const be = await createBackend('cpu');
const ds = await loadBuiltin(spec.data);
if (!isBuiltin(ds)) throw new Error('the preset is not on the built-in world');
const split = splitDataset(ds, { seed: spec.seed, unseenFraction: spec.split.unseenFraction, testFraction: spec.split.testFraction });
const sets = buildPairSets(ds, split, { seed: spec.seed, crossPartners: spec.split.crossPartners });
const personas = [...new Set(evalItems(split, spec.eval, spec.seed).map((it) => it.personaId))];
const index = new Map(ds.personas.map((p, i) => [p.id, i]));
const skewed = Object.keys(ds.options.skew ?? {}) as AxisId[];
const shown: AxisId[] = skewed.length ? skewed : ['formality', 'religious'];
console.log(`${preset}: ${personas.length} evaluation personas; reader on ${resolveSubset(arm.conditioning).name}, ${arm.method.readerPairs} pairs`);
// On a skewed axis the minority is the rarer pole's side (minorityOf); an unskewed axis is shown by side of 0.
const minorities = new Map(skewed.map((axis) => [axis, minorityOf(ds, axis)]));
const onMinoritySide = (axis: AxisId, id: string, taste: number) => minorities.get(axis)?.isMinority(id) ?? taste < 0;
const sides = (axis: AxisId) => (ds.options.skew?.[axis] === undefined ? [`${axis}: taste < 0`, 'taste > 0'] : [`${axis}: minority`, 'majority']);
console.log(`| reader (seeds) | all signs | ${shown.map((a) => sides(a).join(' | ')).join(' | ')} |`);
console.log(`| --- | --- | ${shown.map(() => '--- | ---').join(' | ')} |`);
for (const seeds of readers) {
  if (seeds.some((s, j) => s !== seeds[0] + j)) throw new Error(`readers ${seeds.join('+')}: seeds must run on by one (as method.readers trains them)`);
  const rm = await trainOwnRewardModel(be, ds, split, sets, seeds[0], { subset: resolveSubset(arm.conditioning), pairs: arm.method.readerPairs, members: seeds.length });
  const dirs = await personaDirections(rm, personas, AXIS_IDS, { ...PERSONA_DIRECTION_DEFAULTS, seed: spec.seed });
  rm.dispose();
  let agree = 0;
  let n = 0;
  const cells: string[] = [];
  AXIS_IDS.forEach((axis, k) => {
    const groups = { minority: [0, 0], majority: [0, 0] };
    for (const id of personas) {
      const t = ds.truth.tasteOf(index.get(id)!, axis);
      const ok = Math.sign(dirs.get(id)![k]) === Math.sign(t);
      const g = onMinoritySide(axis, id, t) ? groups.minority : groups.majority;
      g[0] += ok ? 1 : 0;
      g[1]++;
      agree += ok ? 1 : 0;
      n++;
    }
    if (shown.includes(axis)) cells.push(`${groups.minority[0]} of ${groups.minority[1]} | ${groups.majority[0]} of ${groups.majority[1]}`);
  });
  console.log(`| ${seeds.length === 1 ? `one (${seeds[0]})` : `mean of ${seeds.length} (${seeds[0]}-${seeds[seeds.length - 1]})`} | ${((100 * agree) / n).toFixed(1)}% | ${cells.join(' | ')} |`);
}
