// Judges a saved embedding-placed directional policy again, at several classifier-free guidance
// scales, without training it again: the run's record (runs/policy/RUN_ID.json) gives the spec,
// `policy run --save DIR` the kept weights and direction table (DIR/RUN_ID/0-LABEL).
//   node scripts/node-run.mjs scripts/directional-rejudge.ts RUN_ID [GUIDANCE,...] [--save runs/saved] [--threads N] [--sweep-angles 3]
// Prints, per guidance, the judge's pooled pole − → +, changed, held and unreadable share, and
// the teacher-forced log-odds shift (the policy itself: guidance does not enter it).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { judgeDirectional, splitQuestions } from '../src/experiments/policy/directional';
import { loadPolicyBaseNode, policyBaseDir } from '../src/experiments/node/load-policy-base';
import { readSavedCondition } from '../src/experiments/policy/save';
import { savedPolicyCheckpoint } from '../src/experiments/policy/saved-policy';
import { loadModel } from '../src/models/load-model';
import type { PolicyRecord } from '../src/protocol/policy';
import { createBackend } from '../src/tensor';
import { setCpuThreads } from '../src/tensor/cpu/thread-pool';
import { conditionVectors } from '../src/train/policy/condition-embedding';

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
const [runId, list = '0,1,2,4'] = args;
if (!runId) throw new Error('usage: directional-rejudge.ts RUN_ID [GUIDANCE,...] [--save DIR] [--threads N] [--sweep-angles K]');
const guidances = list.split(',').map(Number);

const record = JSON.parse(await readFile(join('runs/policy', `${runId}.json`), 'utf8')) as PolicyRecord;
const spec = record.spec;
const m = spec.arms[0].method;
if (m.kind !== 'directional-dpo' || m.placement !== 'embedding') throw new Error(`${runId}: arm 0 is not an embedding-placed directional policy`);
const folder = join(saveRoot, runId, (await readdir(join(saveRoot, runId))).find((d) => d.startsWith('0-'))!);
const files = Object.fromEntries(await Promise.all((await readdir(folder)).map(async (f) => [f, new Uint8Array(await readFile(join(folder, f)))] as const)));
const baseDir = policyBaseDir(spec.base);
const baseFiles = Object.fromEntries(await Promise.all((await readdir(baseDir)).map(async (f) => [f, new Uint8Array(await readFile(join(baseDir, f)))] as const)));

await setCpuThreads(threads);
const be = await createBackend('cpu');
const kind = files['adapter_config.json'] ? 'lora' : 'full';
const { model, tokenizer } = await loadModel(be, await savedPolicyCheckpoint({ kind, files }, baseFiles, folder));
const base = await loadPolicyBaseNode(spec.base, be);
const condition = await readSavedCondition(files);
if (!condition) throw new Error(`${folder}: no direction table`);
const split = splitQuestions(m.judge.questions, spec.seed);
const judge = judgeOn === 'train' ? split.train.slice(0, m.judge.questions) : split.judge;
const pct = (r: { rate: number; lo: number; hi: number }) => `${(100 * r.rate).toFixed(1)}% [${(100 * r.lo).toFixed(1)}, ${(100 * r.hi).toFixed(1)}]`;
console.log(`${runId} (${folder}, ${kind}); judge ${m.judge.questions} ${judgeOn === 'train' ? 'training' : 'held-out'} questions, ${m.judge.baseDirections} base direction(s), magnitude ${m.judge.magnitude}; threads ${threads}`);
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
    judge: { ...m.judge, sweepAngles },
    placement: 'embedding',
    conditionOf: (u) => conditionVectors(condition.table, condition.width, [u]),
    guidance: g,
    eval: spec.eval,
    seed: spec.seed,
  });
  const o = r.overall;
  const s = r.logOddsShift;
  const items = r.axes.reduce((a, x) => a + x.n, 0);
  const unreadable = r.axes.reduce((a, x) => a + x.invalidRate * x.n, 0) / items;
  console.log(`guidance ${g}: pole − → + ${o.flipped.wins}/${o.flipped.n} ${pct(o.flipped)}; changed ${pct(o.changed)}; held ${pct(o.held)}; unreadable ${(100 * unreadable).toFixed(1)}%; shift ${s ? s.mean.toFixed(3) : '–'}; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
