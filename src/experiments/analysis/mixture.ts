// Item 2: latent preference types. EM mixtures (em.ts) for each K of the spec, fitted on the
// training questions minus the validation ones; K chosen by validation log-likelihood; the chosen
// K refitted on all training pairs. Reported: the grid (validation and test log-likelihood per K),
// the types' sizes, their cross-tabulation with attributes (Cramér's V), and the max-min view:
// the worst-served type's accuracy on held-out cross pairs under the pooled model (K = 1) and
// under the mixture.
import { ATTRIBUTE_KEYS, type AttributeKey } from '../../data';
import type { CrossTab, MixtureGridPoint, MixtureReport, MixtureType } from '../../protocol/analysis';
import type { AnalysisContext } from './context';
import { fitMixture, hardTypes, predictMixture } from './em';
import { clusterMean, perPair } from './metrics';
import { subsetPairs } from './pair-index';

function meanLogLik(probs: Float64Array): number {
  let s = 0;
  for (const p of probs) s += Math.log(Math.max(p, 1e-12));
  return s / Math.max(1, probs.length);
}

export function runMixture(ctx: AnalysisContext, log: (line: string) => void = () => {}): MixtureReport {
  const o = ctx.spec.mixture;
  const P = ctx.ds.personas.length;
  const grid: MixtureGridPoint[] = [];
  for (const k of o.ks) {
    const m = fitMixture(ctx.X, ctx.fit, P, { k, l2: o.l2, seed: ctx.spec.seed, maxIterations: o.maxIterations, restarts: o.restarts });
    const point = { k, validationLogLik: meanLogLik(predictMixture(m, ctx.validation)), testLogLik: meanLogLik(predictMixture(m, ctx.test.cross)), iterations: m.iterations };
    grid.push(point);
    log(`mixture: K=${k} validation LL ${point.validationLogLik.toFixed(4)}, test LL ${point.testLogLik.toFixed(4)} (${m.iterations} EM iterations)`);
  }
  const chosenK = grid.reduce((best, g) => (g.validationLogLik > best.validationLogLik ? g : best)).k;
  const mix = fitMixture(ctx.X, ctx.train, P, { k: chosenK, l2: o.l2, seed: ctx.spec.seed, maxIterations: o.maxIterations, restarts: o.restarts });
  const pooled = fitMixture(ctx.X, ctx.train, P, { k: 1, l2: o.l2, seed: ctx.spec.seed, maxIterations: o.maxIterations, restarts: 1 });
  log(`mixture: refit K=${chosenK} on all training pairs`);

  const seen = new Uint8Array(P);
  for (const p of ctx.seen) seen[ctx.personaIndex.get(p.id)!] = 1;
  const type = hardTypes(mix, seen);
  const cross = ctx.test.cross;
  const mixProbs = perPair(predictMixture(mix, cross));
  const poolProbs = perPair(predictMixture(pooled, cross));
  const types: MixtureType[] = [];
  for (let k = 0; k < chosenK; k++) {
    const members = ctx.seen.filter((p) => type[ctx.personaIndex.get(p.id)!] === k).length;
    const keep: number[] = [];
    for (let i = 0; i < cross.pairs.length; i++) if (type[cross.persona[i]] === k) keep.push(i);
    const ids = subsetPairs(cross, keep).pairs.map((p) => p.personaId);
    const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
    types.push({
      index: k,
      share: members / Math.max(1, ctx.seen.length),
      personas: members,
      pairs: keep.length,
      mixture: clusterMean(ids, pick(mixProbs.correct), ctx.boot(`type:${k}:mixture`)),
      pooled: clusterMean(ids, pick(poolProbs.correct), ctx.boot(`type:${k}:pooled`)),
    });
  }
  const scored = types.filter((t) => t.pairs > 0);
  return {
    grid,
    chosenK,
    types,
    worstPooled: Math.min(...scored.map((t) => t.pooled.value)),
    worstMixture: Math.min(...scored.map((t) => t.mixture.value)),
    crossTabs: crossTabs(ctx, type, chosenK).slice(0, 8),
  };
}

/** Type × attribute value tables over seen personas, strongest association first. Numeric
 * attributes go in quartiles; attributes with more than 12 values are left out (too sparse). */
export function crossTabs(ctx: AnalysisContext, type: Int32Array, K: number): CrossTab[] {
  const out: CrossTab[] = [];
  for (const key of ATTRIBUTE_KEYS as readonly AttributeKey[]) {
    const raw = ctx.seen.map((p) => p.attributes[key]);
    if (raw.every((v) => v === undefined)) continue;
    let valueOf = (v: string | undefined) => v ?? '(none)';
    if (raw.every((v) => v !== undefined && /^-?\d+(\.\d+)?$/.test(v))) {
      const nums = raw.map(Number).sort((a, b) => a - b);
      const q = [0.25, 0.5, 0.75].map((f) => nums[Math.floor(f * (nums.length - 1))]);
      valueOf = (v) => {
        const x = Number(v);
        const b = x <= q[0] ? 0 : x <= q[1] ? 1 : x <= q[2] ? 2 : 3;
        return ['≤' + q[0], `${q[0]}–${q[1]}`, `${q[1]}–${q[2]}`, `>${q[2]}`][b];
      };
    }
    const values = [...new Set(raw.map(valueOf))].sort();
    if (values.length < 2 || values.length > 12) continue;
    const col = new Map(values.map((v, i) => [v, i]));
    const counts = Array.from({ length: K }, () => new Array(values.length).fill(0));
    ctx.seen.forEach((p, i) => {
      const t = type[ctx.personaIndex.get(p.id)!];
      if (t >= 0) counts[t][col.get(valueOf(raw[i]))!]++;
    });
    out.push({ attribute: key, values, counts, cramersV: cramersV(counts) });
  }
  return out.sort((a, b) => b.cramersV - a.cramersV);
}

export function cramersV(counts: number[][]): number {
  const rows = counts.length;
  const cols = counts[0]?.length ?? 0;
  const N = counts.flat().reduce((a, b) => a + b, 0);
  if (rows < 2 || cols < 2 || N === 0) return 0;
  const rs = counts.map((r) => r.reduce((a, b) => a + b, 0));
  const cs = Array.from({ length: cols }, (_, j) => counts.reduce((a, r) => a + r[j], 0));
  let chi2 = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const e = (rs[i] * cs[j]) / N;
      if (e > 0) chi2 += (counts[i][j] - e) ** 2 / e;
    }
  const liveRows = rs.filter((x) => x > 0).length;
  const liveCols = cs.filter((x) => x > 0).length;
  const m = Math.min(liveRows, liveCols) - 1;
  return m > 0 ? Math.sqrt(chi2 / (N * m)) : 0;
}
