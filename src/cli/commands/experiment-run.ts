// `experiment run`: run an experiment spec (a JSON file or a preset) headless with the same runner
// the app's worker uses, printing progress; the record goes to a runs folder (resumable) and,
// with --json, to a file. Ctrl-C cancels cleanly and keeps the checkpoint for --resume.
import { readFile, writeFile } from 'node:fs/promises';
import { acquireGpu, describeKernelVariants, type GpuContext } from '../../gpu';
import { nodeGpu } from '../../gpu/node';
import type { RunEvent } from '../../protocol/events';
import { FileRunStore } from '../../experiments/node/file-store';
import { loadDataNode } from '../../experiments/node/load-data';
import { DEFAULT_MODEL_DIR, folderLmLoader } from '../../experiments/node/load-lm';
import { nodeOnnxLoader } from '../../experiments/node/load-onnx';
import { presetSpec } from '../../experiments/presets';
import { accuracyCsv, importanceCsv } from '../../experiments/results/export';
import { backendsOf, type RunRecord } from '../../protocol/record';
import { runExperiment } from '../../experiments/runner';
import { parseSpecJson } from '../../experiments/spec/validate';
import { APP_VERSION } from '../../experiments/version';
import { createBackend } from '../../tensor';
import { parseFlags, UsageError, type CliCommand } from '../command';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function formatEta(s: number | null): string {
  if (s === null) return '';
  return s >= 90 ? ` ~${Math.round(s / 60)} min left` : ` ~${Math.round(s)} s left`;
}

export function summarize(r: RunRecord): string {
  // Every backend the run computed on (a run resumed elsewhere lists both, in order).
  const where = backendsOf(r)
    .map((b) => `${b.kind}${b.adapter ? `: ${b.adapter}` : ''}${b.kernels ? ` (${b.kernels})` : ''}`)
    .join(' then ');
  const lines = [`run ${r.id} (${r.name}, seed ${r.seed}, ${where}, app ${r.appVersion}): ${r.status}`];
  if (r.data) {
    const d = r.data;
    lines.push(`data: ${d.name}: ${d.personas} personas (${d.unseenPersonas} unseen), ${d.rows} rows; test pairs generic ${d.pairs.generic}, cross ${d.pairs.cross}, unseen ${d.pairs.unseen}; train pairs ${d.pairs.train}`);
    if (d.ceilings) {
      const what = d.ceilingBasis === 'group sizes' ? 'noise ceiling given group sizes / pooled predictor' : 'Bayes / persona-blind';
      lines.push(`ceilings (${what}): ${Object.entries(d.ceilings).map(([k, c]) => `${k} ${pct(c!.bayes)} / ${pct(c!.blind)}`).join(', ')}`);
    }
    if (d.conflicting) lines.push(`conflicting test pairs (persona's preference differs from the pooled one): ${Object.entries(d.conflicting).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    for (const note of d.notes ?? []) lines.push(`note: ${note}`);
  }
  const w = Math.max(...r.arms.map((a) => a.label.length), 4);
  lines.push(`${'arm'.padEnd(w)}  ${['generic', 'cross', 'unseen'].map((s) => s.padEnd(24)).join('')}seconds`);
  for (const a of r.arms) {
    const cells = ['generic', 'cross', 'unseen'].map((name) => {
      const s = a.sets.find((x) => x.set === name);
      return (s ? `${pct(s.accuracy)} [${pct(s.lo)}, ${pct(s.hi)}]` : a.status).padEnd(24);
    });
    lines.push(`${a.label.padEnd(w)}  ${cells.join('')}${a.seconds.toFixed(1)}`);
  }
  if (r.arms.some((a) => a.conflicting?.length)) {
    lines.push('on conflicting pairs only (where the persona must change the answer; a pooled predictor scores 0%):');
    for (const a of r.arms) {
      const cells = ['generic', 'cross', 'unseen'].map((name) => {
        const s = a.conflicting?.find((x) => x.set === name);
        return (s ? `${pct(s.accuracy)} [${pct(s.lo)}, ${pct(s.hi)}] n=${s.n}` : '-').padEnd(31);
      });
      lines.push(`${a.label.padEnd(w)}  ${cells.join('')}`.trimEnd());
    }
  }
  const kept = r.arms.filter((a) => a.savedModel);
  if (kept.length) lines.push(`kept reward models (a policy judges or trains with one by --reward-model ${r.id}[#ARM]): ${kept.map((a) => `${a.label} ${(a.savedModel!.bytes / 1024).toFixed(0)} KiB`).join(', ')}`);
  if (r.importance.length) {
    const c = Math.round(100 * r.spec.eval.confidence);
    lines.push(`importance on cross-persona pairs: accuracy drop when left out (points), ${c}% bootstrap interval, ${c}% simultaneous interval over all attributes:`);
    const f = (x: number) => (100 * x).toFixed(2);
    for (const i of r.importance.filter((x) => x.set === 'cross').sort((a, b) => b.drop - a.drop)) {
      lines.push(`  ${i.attribute.padEnd(26)} ${f(i.drop).padStart(6)} [${f(i.lo)}, ${f(i.hi)}] [${f(i.simLo)}, ${f(i.simHi)}]${i.role ? `  (${i.role})` : ''}`);
    }
  }
  if (r.error) lines.push(`${r.error.name}: ${r.error.message}`);
  return lines.join('\n');
}

export const experimentRun: CliCommand = {
  path: ['experiment', 'run'],
  summary: 'Run an experiment spec (JSON file or --preset) with the lab runner',
  usage: [
    'SPEC.json | --preset NAME   the spec (see `experiment presets`)',
    '--backend cpu|webgpu (cpu)  --json OUT writes the run record   --csv OUT writes accuracies',
    '--runs DIR (runs) keeps records and checkpoints   --resume RUN_ID continues a stopped run',
    `--model-dir DIR (${DEFAULT_MODEL_DIR}) the language model of roleplay, few-shot and LM reward models`,
    '--quiet prints only the summary',
  ],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['quiet']);
    const preset = typeof flags.preset === 'string' ? flags.preset : undefined;
    if ((rest.length === 1) === (preset !== undefined)) throw new UsageError('give one spec file or --preset NAME');
    const spec = preset ? presetSpec(preset) : parseSpecJson(await readFile(rest[0], 'utf8'));
    const kind = String(flags.backend ?? 'cpu');
    if (kind !== 'cpu' && kind !== 'webgpu') throw new UsageError(`--backend must be cpu or webgpu, not '${kind}'`);
    let ctx: GpuContext | null = null;
    if (kind === 'webgpu') ctx = await acquireGpu({ gpu: await nodeGpu() });
    const backend = ctx ? await createBackend('webgpu', ctx) : await createBackend('cpu');
    const store = new FileRunStore(String(flags.runs ?? 'runs'));
    const ac = new AbortController();
    // Ctrl-C, or `kill` from a job runner: the run stops at its next step as cancelled, resumable.
    const onSignal = () => {
      console.error('\ncancelling (the last checkpoint is kept)...');
      ac.abort();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let lastLine = 0;
    const onEvent = (e: RunEvent) => {
      if (flags.quiet) return;
      if (e.kind === 'progress' && (Date.now() - lastLine > 2000 || e.phase !== 'train')) {
        lastLine = Date.now();
        console.error(`[${(100 * e.fraction).toFixed(0).padStart(3)}%] arm ${e.arm + 1}/${e.arms} ${e.message}${formatEta(e.etaSeconds)}`);
      } else if (e.kind === 'metrics' && Date.now() - lastLine > 2000) {
        lastLine = Date.now();
        const p = e.point;
        console.error(`       ${e.armLabel} step ${p.step} epoch ${p.epoch.toFixed(2)} loss ${p.loss.toFixed(4)} rewards/accuracies ${p['rewards/accuracies'].toFixed(3)}`);
      } else if (e.kind === 'error') {
        console.error(`${e.name}: ${e.message}${e.checkpointKept ? ' (checkpoint kept)' : ''}`);
      }
    };
    try {
      const modelDir = typeof flags['model-dir'] === 'string' ? flags['model-dir'] : DEFAULT_MODEL_DIR;
      const record = await runExperiment(spec, { backend, adapter: ctx?.report.summary ?? null, ...(ctx ? { kernels: describeKernelVariants(ctx.variants) } : {}), store, loadData: loadDataNode, loadLanguageModel: folderLmLoader(modelDir, modelDir === DEFAULT_MODEL_DIR ? 'built-in model' : modelDir), loadOnnxModel: nodeOnnxLoader({ token: process.env.HF_TOKEN }), appVersion: APP_VERSION, assertDevice: ctx ? () => { if (ctx.lost) throw ctx.lost; } : undefined }, {
        runId: typeof flags.resume === 'string' ? flags.resume : undefined,
        signal: ac.signal,
        onEvent,
      });
      console.log(summarize(record));
      if (typeof flags.json === 'string') await writeFile(flags.json, JSON.stringify(record, null, 2) + '\n');
      if (typeof flags.csv === 'string') await writeFile(flags.csv, accuracyCsv([record]) + (record.importance.length ? `\n${importanceCsv([record])}` : ''));
      if (record.status !== 'done') {
        console.error(`resume with: npm run cli -- experiment run ${preset ? `--preset ${preset}` : rest[0]} --runs ${store.dir} --resume ${record.id}`);
        return record.status === 'cancelled' ? 130 : 1;
      }
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      ctx?.destroy();
    }
  },
};
