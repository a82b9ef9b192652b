// Judges a saved embedding-placed directional policy again, at several classifier-free guidance
// scales, without training it again: the run's record (runs/policy/RUN_ID.json) gives the spec,
// `policy run --save DIR` the kept weights and direction table (DIR/RUN_ID/0-LABEL).
//   node scripts/node-run.mjs scripts/directional-rejudge.ts RUN_ID [GUIDANCE,...] [--save runs/saved] [--threads N] [--sweep-angles 3] [--base-directions N] [--questions train] [--scale S]
// Prints, per guidance, the judge's pooled pole − → +, changed, held and unreadable share, and
// the teacher-forced log-odds shift (the policy itself: guidance does not enter it).
import { judgeDirectional, splitQuestions } from '../src/experiments/policy/directional';
import { conditionRows } from '../src/train/policy/condition-embedding';
import { loadSavedDirectional } from './saved-directional';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const saveRoot = flag('save', 'runs/saved');
const threads = Number(flag('threads', '1'));
const sweepAngles = Number(flag('sweep-angles', '3'));
// `train`: judge as many of the questions the policy trained on instead (how well it fits, against how well it generalizes).
const judgeOn = flag('questions', 'held-out');
// `--scale S`: the policy reads S·u instead of the unit direction u (how strongly it is asked).
const scale = Number(flag('scale', '1'));
// `--base-directions N`: N seeded base directions per question and objective instead of the run's (the first ones are the run's own pairs).
const baseDirections = flag('base-directions', '');
// `--plausibility A`: write under the plausibility constraint against the policy at u = 0 (generate's `plausibility`).
const plausibility = Number(flag('plausibility', '0'));
const [runId, list = '0,1,2,4'] = args;
if (!runId) throw new Error('usage: directional-rejudge.ts RUN_ID [GUIDANCE,...] [--save DIR] [--threads N] [--sweep-angles K]');
const guidances = list.split(',').map(Number);

const { spec, method: m, folder, kind, be, model, tokenizer, base, condition } = await loadSavedDirectional(runId, saveRoot, threads);
const split = splitQuestions(m.judge.questions, spec.seed);
const judge = judgeOn === 'train' ? split.train.slice(0, m.judge.questions) : split.judge;
const pct = (r: { rate: number; lo: number; hi: number }) => `${(100 * r.rate).toFixed(1)}% [${(100 * r.lo).toFixed(1)}, ${(100 * r.hi).toFixed(1)}]`;
console.log(`${runId} (${folder}, ${kind}); judge ${m.judge.questions} ${judgeOn === 'train' ? 'training' : 'held-out'} questions, ${baseDirections || m.judge.baseDirections} base direction(s), magnitude ${m.judge.magnitude}; condition scale ${scale}; threads ${threads}`);
for (const g of guidances) {
  const t0 = performance.now();
  const r = await judgeDirectional({
    be,
    model,
    adapter: null,
    base: base.model,
    layout: { tokenizer, styled: spec.base.kind === 'builtin' },
    objectives: condition.features,
    rewardModel: '',
    questions: judge,
    judge: { ...m.judge, sweepAngles, ...(baseDirections ? { baseDirections: Number(baseDirections) } : {}) },
    placement: 'embedding',
    conditionOf: (u) => conditionRows(condition, [u.map((x) => scale * x)]),
    conditionGate: condition.gate ?? null,
    guidance: g,
    plausibility,
    eval: spec.eval,
    seed: spec.seed,
  });
  const o = r.overall;
  const s = r.logOddsShift;
  const items = r.axes.reduce((a, x) => a + x.n, 0);
  const unreadable = r.axes.reduce((a, x) => a + x.invalidRate * x.n, 0) / items;
  console.log(`guidance ${g}, plausibility ${plausibility}: pole − → + ${o.flipped.wins}/${o.flipped.n} ${pct(o.flipped)}; changed ${pct(o.changed)}; held ${pct(o.held)}; unreadable ${(100 * unreadable).toFixed(1)}%; shift ${s ? s.mean.toFixed(3) : '–'}; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
