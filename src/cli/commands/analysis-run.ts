// `analysis run`: the modelling analyses of issue 13 (conditional fits, EM mixtures of
// Bradley–Terry models, multi-objective rewards) on a preset or a spec file; prints a summary and
// the acceptance checks, and writes the record as JSON and/or CSV.
import { readFile, writeFile } from 'node:fs/promises';
import { analysisCsv } from '../../experiments/analysis/export';
import { runAnalysis } from '../../experiments/analysis/run';
import type { KeptMultiObjectiveModel } from '../../experiments/analysis/kept-model';
import { analysisPreset, mergeSpec } from '../../experiments/analysis/spec';
import { loadDataNode } from '../../experiments/node/load-data';
import { ANALYSIS_PARTS, type AnalysisPart, type AnalysisRecord, type Estimate } from '../../protocol/analysis';
import { UsageError, parseFlags, type CliCommand } from '../command';

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '-');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const ci = (e: Estimate, f: (x: number) => string) => `${f(e.value)} [${f(e.lo)}, ${f(e.hi)}]`;

export function summaryLines(r: AnalysisRecord): string[] {
  const out: string[] = [`dataset: ${r.dataset.name} (${r.dataset.personas} personas, ${r.dataset.rows} rows); pairs ${Object.entries(r.pairs).map(([k, v]) => `${k} ${v}`).join(', ')}`];
  const c = r.conditional;
  if (c) {
    out.push(`conditional fits (l2 ${c.l2}; log-likelihood in nats/pair, 95% bootstrap over personas):`);
    for (const f of c.fits.filter((x) => x.label === 'marginal' || x.label === 'all'))
      for (const s of f.sets) out.push(`  ${f.label.padEnd(8)} ${s.set.padEnd(7)} LL ${ci(s.logLik, f4)}  acc ${ci(s.accuracy, pct)}  ECE ${f4(s.ece)}  (${s.pairs} pairs)`);
    out.push(`  all - marginal on test cross: LL ${ci(c.allVsMarginal.logLik, f4)}, accuracy ${ci(c.allVsMarginal.accuracy, pct)}`);
    if (c.perAttribute.length) {
      out.push('  per-attribute information (LL gain over marginal: test cross | unseen):');
      for (const a of c.perAttribute) out.push(`    ${a.attribute.padEnd(26)} ${ci(a.gain, f4)} | ${a.unseenGain ? ci(a.unseenGain, f4) : '-'}${a.planted === undefined ? '' : a.planted ? '  (planted driver)' : ''}`);
    }
    const rep = c.representativeness;
    if (rep) out.push(`  representativeness (1 - WD/(N-1)): marginal ${ci(rep.marginal, f4)}, conditional ${ci(rep.conditional, f4)} over ${rep.groups.length} groups`);
  }
  const m = r.multiObjective;
  if (m) {
    out.push(`multi-objective: d by validation LL: ${m.grid.map((g) => `d=${g.dims} ${f4(g.validationLogLik)}`).join(', ')} -> d = ${m.chosenDims}`);
    for (const f of m.fewShot) out.push(`  k=${String(f.k).padEnd(2)} unseen personas: acc ${ci(f.accuracy, pct)}  LL ${f4(f.logLik.value)}  (${f.pairs} pairs, ${f.personas} personas)`);
    out.push(`  attribute-conditional on the same pairs: acc ${ci(m.conditional.accuracy, pct)}${m.bayes !== undefined ? `; Bayes ceiling ${pct(m.bayes)}` : ''}`);
    if (m.axes) out.push(`  axis recovery (correlation with best combination of the basis): ${m.axes.map((a) => `${a.axis} ${a.correlation.toFixed(3)}`).join(', ')}`);
    if (m.canonicalCorrelations) out.push(`  canonical correlations: ${m.canonicalCorrelations.map((v) => v.toFixed(3)).join(', ')}`);
  }
  const x = r.mixture;
  if (x) {
    out.push('mixture of Bradley-Terry models (EM over personas):');
    for (const g of x.grid) out.push(`  K=${String(g.k).padEnd(2)} validation LL ${f4(g.validationLogLik)}  test LL ${f4(g.testLogLik)}  (${g.iterations} EM iterations)`);
    out.push(`  chosen K = ${x.chosenK}; worst-served type accuracy: pooled ${pct(x.worstPooled)}, mixture ${pct(x.worstMixture)}`);
    for (const t of x.types) out.push(`  type ${t.index}: ${pct(t.share)} of personas; accuracy mixture ${ci(t.mixture, pct)}, pooled ${ci(t.pooled, pct)} (${t.pairs} pairs)`);
    for (const t of x.crossTabs.slice(0, 4)) out.push(`  types x ${t.attribute}: Cramér's V ${t.cramersV.toFixed(3)}`);
  }
  for (const k of r.checks) out.push(`check ${k.pass ? 'PASS' : 'FAIL'}: ${k.name}: ${k.detail}`);
  out.push(`time: ${r.seconds.toFixed(0)} s`);
  return out;
}

export const analysisRun: CliCommand = {
  path: ['analysis', 'run'],
  summary: 'Modelling analyses: conditional fits, latent preference types (EM), multi-objective rewards',
  usage: [
    '--preset NAME     a preset (default builtin; `analysis presets` lists them)',
    '--spec FILE       a JSON spec (complete or partial; merged over the preset)',
    '--parts LIST      comma-separated subset of conditional,mixture,multi-objective',
    '--out FILE.json   write the record as JSON',
    '--csv FILE.csv    write the numbers as CSV (part,item,metric,value,lo,hi)',
    '--keep-model FILE write the multi-objective reward model (objectives named by the planted axes) as JSON: a directional policy trains from it',
    '--quiet           no progress lines',
  ],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['quiet']);
    if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
    let spec = analysisPreset(typeof flags.preset === 'string' ? flags.preset : 'builtin');
    if (typeof flags.spec === 'string') spec = mergeSpec(spec, JSON.parse(await readFile(flags.spec, 'utf8')));
    if (typeof flags.parts === 'string') {
      const parts = flags.parts.split(',').map((s) => s.trim()) as AnalysisPart[];
      const bad = parts.find((p) => !ANALYSIS_PARTS.includes(p));
      if (bad) throw new UsageError(`--parts: unknown part "${bad}" (choose from ${ANALYSIS_PARTS.join(', ')})`);
      spec.parts = parts;
    }
    const t0 = performance.now();
    let kept: KeptMultiObjectiveModel | null = null;
    if (typeof flags['keep-model'] === 'string' && !spec.parts.includes('multi-objective')) throw new UsageError('--keep-model needs the multi-objective part (--parts multi-objective)');
    const record = await runAnalysis(spec, loadDataNode, flags.quiet ? undefined : (line) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${line}`), { keepModel: (m) => (kept = m) });
    if (typeof flags['keep-model'] === 'string' && kept) {
      await writeFile(flags['keep-model'], `${JSON.stringify(kept)}\n`);
      console.log(`wrote ${flags['keep-model']} (multi-objective reward model: ${(kept as KeptMultiObjectiveModel).objectives.length} objectives, alignment ${(kept as KeptMultiObjectiveModel).alignment.map((a) => (a === null ? '-' : a.toFixed(3))).join(', ')})`);
    }
    for (const line of summaryLines(record)) console.log(line);
    if (typeof flags.out === 'string') {
      await writeFile(flags.out, `${JSON.stringify(record, null, 2)}\n`);
      console.log(`wrote ${flags.out}`);
    }
    if (typeof flags.csv === 'string') {
      await writeFile(flags.csv, analysisCsv(record));
      console.log(`wrote ${flags.csv}`);
    }
    return 0;
  },
};
