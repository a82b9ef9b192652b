// `analysis run`: load the data a spec names, build the context, run the parts it asks for, and
// evaluate the issue's acceptance checks on the result. Returns one AnalysisRecord (plain data).
import type { AnalysisCheck, AnalysisRecord, AnalysisSpec } from '../../protocol/analysis';
import { ANALYSIS_VERSION } from '../../protocol/analysis';
import type { DataLoader } from '../prepare';
import { APP_VERSION } from '../version';
import { fitConditional, presentAttributes, runConditional, selectL2 } from './conditional';
import { analysisContext } from './context';
import { runMixture } from './mixture';
import { runMultiObjective } from './multi-objective';
import { keepMultiObjective, type KeptMultiObjectiveModel } from './kept-model';
import { representativeness } from './representativeness';

export interface AnalysisRunOptions {
  /** Receives the multi-objective reward model (its basis named by objectives) when that part runs: what a directional policy trains from. */
  keepModel?(model: KeptMultiObjectiveModel): void;
}

export async function runAnalysis(spec: AnalysisSpec, load: DataLoader, log: (line: string) => void = () => {}, o: AnalysisRunOptions = {}): Promise<AnalysisRecord> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const ds = await load(spec.data);
  const ctx = analysisContext(ds, spec);
  log(`data: ${ds.name}: ${ds.personas.length} personas, ${ds.rows.length} rows; ${ctx.train.pairs.length} training pairs, ${ctx.test.cross.pairs.length} test cross, ${ctx.test.unseen.pairs.length} unseen`);
  const record: AnalysisRecord = {
    version: ANALYSIS_VERSION,
    spec,
    appVersion: APP_VERSION,
    dataset: { id: ds.id, name: ds.name, source: ds.source, personas: ds.personas.length, rows: ds.rows.length },
    pairs: {
      train: ctx.train.pairs.length,
      fit: ctx.fit.pairs.length,
      validation: ctx.validation.pairs.length,
      'test generic': ctx.test.generic.pairs.length,
      'test cross': ctx.test.cross.pairs.length,
      'test unseen': ctx.test.unseen.pairs.length,
    },
    startedAt,
    seconds: 0,
    checks: [],
  };
  let conditionalModel;
  if (spec.parts.includes('conditional')) {
    const { report, all, marginal } = runConditional(ctx, log);
    if (ds.source === 'opinionqa') report.representativeness = representativeness(ctx, marginal.model, all.model);
    record.conditional = report;
    conditionalModel = all.model;
  }
  if (spec.parts.includes('multi-objective')) {
    conditionalModel ??= fitConditional(ctx, 'all', presentAttributes(ctx), selectL2(ctx, log)).model;
    record.multiObjective = runMultiObjective(ctx, conditionalModel, log, o.keepModel && ((m) => o.keepModel!(keepMultiObjective(ctx, m, `analysis ${spec.preset ?? 'spec'} (seed ${spec.seed}) on ${ds.name}: multi-objective basis d = ${m.d}, λ ${spec.multiObjective.l2}, fitted on ${ctx.train.pairs.length} training pairs`))));
  }
  if (spec.parts.includes('mixture')) record.mixture = runMixture(ctx, log);
  record.checks = acceptanceChecks(record);
  record.seconds = (performance.now() - t0) / 1000;
  return record;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Issue 13's "must show" items that a record can answer (built-in world). */
export function acceptanceChecks(r: AnalysisRecord): AnalysisCheck[] {
  const out: AnalysisCheck[] = [];
  if (r.dataset.source !== 'builtin') return out;
  const c = r.conditional;
  if (c) {
    const d = c.allVsMarginal.logLik;
    out.push({ name: 'all-attributes beats marginal in held-out log-likelihood (interval excludes 0)', pass: d.lo > 0, detail: `${d.value.toFixed(4)} nats/pair [${d.lo.toFixed(4)}, ${d.hi.toFixed(4)}] on test cross pairs` });
    const cross = c.fits.find((f) => f.label === 'all')?.sets.find((s) => s.set === 'cross');
    if (cross) out.push({ name: 'all-attributes calibration error < 0.05', pass: cross.ece < 0.05, detail: `ECE ${cross.ece.toFixed(4)} on ${cross.pairs} test cross pairs` });
  }
  const m = r.multiObjective;
  if (m) {
    const k8 = m.fewShot.find((f) => f.k === 8);
    if (k8) out.push({ name: 'k = 8 comparisons give unseen personas >= 75% on cross pairs', pass: k8.accuracy.value >= 0.75, detail: `${pct(k8.accuracy.value)} [${pct(k8.accuracy.lo)}, ${pct(k8.accuracy.hi)}] on ${k8.pairs} pairs${m.bayes !== undefined ? `; Bayes ${pct(m.bayes)}` : ''}` });
    if (m.axes) {
      const worst = m.axes.reduce((a, b) => (b.correlation < a.correlation ? b : a));
      out.push({ name: 'learned basis recovers each planted axis (canonical correlation >= 0.9)', pass: m.axes.every((a) => a.correlation >= 0.9), detail: `lowest: ${worst.axis} ${worst.correlation.toFixed(3)}` });
    }
  }
  const x = r.mixture;
  if (x) out.push({ name: 'worst-served type: mixture at least as accurate as pooled', pass: x.worstMixture >= x.worstPooled, detail: `K = ${x.chosenK}: pooled ${pct(x.worstPooled)}, mixture ${pct(x.worstMixture)}` });
  return out;
}
