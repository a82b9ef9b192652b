// Item 1: conditional distribution fitting. P(choice | question, responses, attributes) as the
// low-rank Bradley–Terry model of bilinear.ts with w_p = Uᵀ a_p, fitted with no attributes (the
// marginal), with one attribute at a time, and with all of them; scored on the held-out sets
// (log-likelihood and accuracy with bootstrap intervals over personas, calibration), and each
// attribute's information: its log-likelihood gain over the marginal on held-out cross pairs.
import { ATTRIBUTE_KEYS, DRIVER_ATTRIBUTES, isBuiltin, type AttributeKey } from '../../data';
import type { AnalysisSet, AttributeInformation, ConditionalFit, ConditionalReport } from '../../protocol/analysis';
import { fitBilinear, predict, type BilinearModel } from './bilinear';
import type { AnalysisContext } from './context';
import { clusterDiff, perPair, scoreSet } from './metrics';
import { personaMatrix } from './pair-index';

const SETS: readonly AnalysisSet[] = ['cross', 'unseen', 'generic'];

/** The attributes the dataset's personas have (any of them), in schema order. */
export function presentAttributes(ctx: AnalysisContext): AttributeKey[] {
  return ATTRIBUTE_KEYS.filter((k) => ctx.ds.personas.some((p) => p.attributes[k] !== undefined));
}

export interface FittedConditional {
  fit: ConditionalFit;
  model: BilinearModel;
  /** Predictions on each test set. */
  probs: Record<AnalysisSet, Float64Array>;
}

/** The L2 strength with the best validation log-likelihood for the all-attributes model (fitted
 * on the training questions minus the validation ones); the first when there is one. */
export function selectL2(ctx: AnalysisContext, log: (line: string) => void = () => {}): number {
  const o = ctx.spec.conditional;
  if (o.l2.length === 1) return o.l2[0];
  const { matrix } = personaMatrix(ctx.ds, presentAttributes(ctx), ctx.seen);
  let best = { l2: o.l2[0], ll: -Infinity };
  for (const l2 of o.l2) {
    const model = fitBilinear(ctx.X, { kind: 'attributes', A: matrix }, ctx.fit, { d: o.dims, l2, seed: ctx.spec.seed, maxIterations: o.maxIterations ?? 300 });
    const p = predict(model, ctx.validation);
    let ll = 0;
    for (const x of p) ll += Math.log(Math.max(x, 1e-12));
    ll /= Math.max(1, p.length);
    log(`conditional: l2=${l2} validation LL ${ll.toFixed(4)}`);
    if (ll > best.ll) best = { l2, ll };
  }
  return best.l2;
}

export function fitConditional(ctx: AnalysisContext, label: string, keys: readonly AttributeKey[], l2: number): FittedConditional {
  const o = ctx.spec.conditional;
  const { matrix, features } = personaMatrix(ctx.ds, keys, ctx.seen);
  const model = fitBilinear(ctx.X, { kind: 'attributes', A: matrix }, ctx.train, { d: o.dims, l2, seed: ctx.spec.seed, maxIterations: o.maxIterations ?? 300 });
  const probs = {} as Record<AnalysisSet, Float64Array>;
  const sets = SETS.filter((s) => ctx.test[s].pairs.length > 0).map((s) => {
    probs[s] = predict(model, ctx.test[s]);
    return scoreSet(s, ctx.test[s].pairs.map((p) => p.personaId), probs[s], o.bins, ctx.boot(`${label}:${s}`));
  });
  return { fit: { label, attributes: [...keys], features: features.length, trainLogLik: model.trainLogLik, sets }, model, probs };
}

export function runConditional(ctx: AnalysisContext, log: (line: string) => void = () => {}): { report: ConditionalReport; all: FittedConditional; marginal: FittedConditional } {
  const keys = presentAttributes(ctx);
  const l2 = selectL2(ctx, log);
  const marginal = fitConditional(ctx, 'marginal', [], l2);
  log(`conditional: marginal fitted (train LL ${marginal.fit.trainLogLik.toFixed(4)})`);
  const all = fitConditional(ctx, 'all', keys, l2);
  log(`conditional: all attributes fitted (train LL ${all.fit.trainLogLik.toFixed(4)})`);
  const cross = ctx.test.cross;
  const ids = cross.pairs.map((p) => p.personaId);
  const m = perPair(marginal.probs.cross);
  const a = perPair(all.probs.cross);
  const report: ConditionalReport = {
    l2,
    fits: [marginal.fit, all.fit],
    allVsMarginal: { logLik: clusterDiff(ids, a.logLik, m.logLik, ctx.boot('all-vs-marginal:ll')), accuracy: clusterDiff(ids, a.correct, m.correct, ctx.boot('all-vs-marginal:acc')) },
    perAttribute: [],
  };
  if (ctx.spec.conditional.perAttribute) {
    const unseenIds = ctx.test.unseen.pairs.map((p) => p.personaId);
    const planted = isBuiltin(ctx.ds) ? new Set<string>(DRIVER_ATTRIBUTES) : undefined;
    for (const k of keys) {
      const one = fitConditional(ctx, k, [k], l2);
      const p = perPair(one.probs.cross);
      const info: AttributeInformation = {
        attribute: k,
        gain: clusterDiff(ids, p.logLik, m.logLik, ctx.boot(`gain:${k}`)),
        accuracy: one.fit.sets.find((s) => s.set === 'cross')!.accuracy,
      };
      if (ctx.test.unseen.pairs.length > 0)
        info.unseenGain = clusterDiff(unseenIds, perPair(one.probs.unseen).logLik, perPair(marginal.probs.unseen).logLik, ctx.boot(`gain-unseen:${k}`));
      if (planted) info.planted = planted.has(k);
      report.perAttribute.push(info);
      report.fits.push(one.fit);
      log(`conditional: ${k}: gain ${info.gain.value.toFixed(4)} nats/pair`);
    }
    report.perAttribute.sort((x, y) => y.gain.value - x.gain.value);
  }
  return { report, all, marginal };
}
