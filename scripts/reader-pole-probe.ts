// Which pole of each axis a persona reader (the bag-of-features reward model a directional arm
// trains to read personas) prefers when it reads no attributes (the marginal reader), trained on
// the run's generic + cross pairs and on those plus the pole pairs: on every question that uses
// the axis, the answer at the + pole against the answer at the − pole, all other axes neutral.
// On a skewed world the majority's pole is what a pooled reader should prefer.
//   node scripts/node-run.mjs scripts/reader-pole-probe.ts [PRESET] --threads 1
import { applyThreadsFlag } from '../src/cli/threads-flag';
import { AXIS_IDS, buildPairSets, isBuiltin, splitDataset } from '../src/data';
import { makeResponse } from '../src/data/builtin/responses';
import { trainOwnRewardModel } from '../src/experiments/policy/own-reward';
import { policyPresetSpec } from '../src/experiments/policy/presets';
import { loadBuiltin } from '../src/experiments/prepare';
import { resolveSubset } from '../src/experiments/spec/expand';
import { createBackend } from '../src/tensor';

const preset = applyThreadsFlag(process.argv.slice(2))[0] ?? 'dpo-direction-skewed';
const spec = policyPresetSpec(preset);
const be = await createBackend('cpu');
const ds = await loadBuiltin(spec.data);
if (!isBuiltin(ds)) throw new Error('the preset is not on the built-in world');
const split = splitDataset(ds, { seed: spec.seed, unseenFraction: spec.split.unseenFraction, testFraction: spec.split.testFraction });
const sets = buildPairSets(ds, split, { seed: spec.seed, crossPartners: spec.split.crossPartners });
const reader = split.seenPersonas[0]; // the marginal reader scores every persona alike
console.log(`${preset}: skew ${JSON.stringify(ds.options.skew ?? {})}; share of answers at the + pole the marginal reader scores higher`);
console.log(`| pairs | ${AXIS_IDS.join(' | ')} |`);
console.log(`| --- | ${AXIS_IDS.map(() => '---').join(' | ')} |`);
for (const pairs of ['generic+cross', 'generic+cross+pole'] as const) {
  const rm = await trainOwnRewardModel(be, ds, split, sets, spec.seed, { subset: resolveSubset({ kind: 'preset', name: 'none' }), pairs });
  const cells: string[] = [];
  for (const axis of AXIS_IDS) {
    const items = ds.questions.flatMap((q) => {
      const k = q.axes.indexOf(axis);
      if (k < 0) return [];
      return [1, -1].map((pole) => ({ personaId: reader, questionId: q.id, instruction: q.text, answer: makeResponse(q, q.axes.map((_, j) => (j === k ? pole : 0))).text }));
    });
    const s = await rm.score(items);
    let plus = 0;
    for (let i = 0; i < s.length; i += 2) plus += s[i] > s[i + 1] ? 1 : 0;
    cells.push(`${((100 * plus) / (s.length / 2)).toFixed(0)}% of ${s.length / 2}`);
  }
  console.log(`| ${pairs} | ${cells.join(' | ')} |`);
  rm.dispose();
}
