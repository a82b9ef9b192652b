// OpinionQA: how representative of each group the marginal and the conditional models' answer
// distributions are, as Santurkar et al. 2023 measure it (their code's get_max_wd):
//   Rep(group) = mean over questions q of  1 - WD(D_model(q), D_group(q)) / (N_q - 1),
// WD the 1-Wasserstein distance with the N_q options at ordinal positions 1..N_q (here: the order
// the release lists them, Refused dropped), N_q - 1 its largest possible value. A model's answer
// distribution is the Luce choice rule of its rewards over the question's options:
//   D_model(q)[x] ∝ exp(w_p · r(x) + c(x)).
// Scored on the rows no model saw: held-out questions of seen groups and every row of unseen ones.
import type { DataRow } from '../../data';
import type { GroupRepresentativeness, RepresentativenessReport } from '../../protocol/analysis';
import { forward, type BilinearModel } from './bilinear';
import type { AnalysisContext } from './context';
import { clusterMean } from './metrics';
import { csrFromBags, csrMul } from './sparse';

/** 1-Wasserstein distance between two distributions on positions 0..N-1 (unit spacing). */
export function ordinalWasserstein(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ca = 0;
  let cb = 0;
  let d = 0;
  for (let i = 0; i < a.length - 1; i++) {
    ca += a[i];
    cb += b[i];
    d += Math.abs(ca - cb);
  }
  return d;
}

/** 1 - WD / (N - 1): 1 when the distributions agree, 0 when all mass sits at opposite ends. */
export function representativenessOf(model: ArrayLike<number>, group: ArrayLike<number>): number {
  const N = group.length;
  return N < 2 ? 1 : 1 - ordinalWasserstein(model, group) / (N - 1);
}

/** The Luce distribution over a row's options under one model for the row's persona. */
function answerDistribution(ctx: AnalysisContext, m: BilinearModel, W: Float64Array, row: DataRow): Float64Array {
  const opts = row.options!;
  const X = csrFromBags(opts.map((o) => ctx.space.encoder.encode(o.text)), ctx.X.cols);
  const F = ctx.X.cols;
  const R = csrMul(X, m.theta.subarray(0, F * m.d), m.d);
  const c = csrMul(X, m.theta.subarray(F * m.d, F * m.d + F), 1);
  const p = ctx.personaIndex.get(row.personaId)!;
  const u = opts.map((_, j) => {
    let s = c[j];
    for (let k = 0; k < m.d; k++) s += W[p * m.d + k] * R[j * m.d + k];
    return s;
  });
  const mx = Math.max(...u);
  const e = u.map((x) => Math.exp(x - mx));
  const z = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (x) => x / z);
}

export function representativeness(ctx: AnalysisContext, marginal: BilinearModel, conditional: BilinearModel): RepresentativenessReport {
  const Wm = forward(marginal).W;
  const Wc = forward(conditional).W;
  const rows = [...ctx.split.test, ...ctx.split.unseen].filter((r) => (r.options?.length ?? 0) >= 2);
  const byGroup = new Map<string, { q: number; m: number; c: number }>();
  const ids: string[] = [];
  const mv: number[] = [];
  const cv: number[] = [];
  for (const row of rows) {
    const group = row.options!.map((o) => o.share);
    const m = representativenessOf(answerDistribution(ctx, marginal, Wm, row), group);
    const c = representativenessOf(answerDistribution(ctx, conditional, Wc, row), group);
    let g = byGroup.get(row.personaId);
    if (!g) byGroup.set(row.personaId, (g = { q: 0, m: 0, c: 0 }));
    g.q++;
    g.m += m;
    g.c += c;
    ids.push(row.personaId);
    mv.push(m);
    cv.push(c);
  }
  const label = new Map(ctx.ds.personas.map((p) => [p.id, p.label]));
  const groups: GroupRepresentativeness[] = [...byGroup].map(([id, g]) => ({ group: label.get(id) ?? id, questions: g.q, marginal: g.m / g.q, conditional: g.c / g.q }));
  groups.sort((a, b) => a.marginal - b.marginal);
  return {
    definition: '1 - WD(model, group) / (N - 1) per question (options at ordinal positions in the release order, Refused dropped), averaged over the held-out questions of each group; Santurkar et al. 2023',
    groups,
    marginal: clusterMean(ids, mv, ctx.boot('rep:marginal')),
    conditional: clusterMean(ids, cv, ctx.boot('rep:conditional')),
  };
}
