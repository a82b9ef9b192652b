// Item 3: multi-objective rewards. A reward vector r(x) ∈ R^d shared by everyone and a free
// weight vector per persona, r_p(x) = w_p · r(x) (+ a persona-independent c(x)); d chosen by
// validation log-likelihood. Then, for personas never seen in training, weights fitted from k of
// their own comparisons (few-shot.ts, no attributes), scored on cross pairs of their other
// questions beside the attribute-conditional model; on the built-in world, canonical
// correlations of the learned basis with the planted axes.
import { AXIS_IDS, candidatePoles, ceilings, contentHash, isBuiltin, type PreferencePair } from '../../data';
import type { FewShotPoint, MultiObjectiveReport } from '../../protocol/analysis';
import { Rng } from '../../util/rng';
import { fnv1a32 } from '../../util/hash';
import { fitBilinear, forward, margins, predict, type BilinearModel } from './bilinear';
import { cca } from './cca';
import type { AnalysisContext } from './context';
import { clusterMean, perPair } from './metrics';
import { subsetPairs, type PairIndex } from './pair-index';
import { gaussianPrior, fitWeights } from './few-shot';
import { demeanBy, meanCovariance } from './linalg';
import { csrFromBags, csrMul } from './sparse';
import type { Bag } from '../encoders/bags';

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function meanLogLik(probs: Float64Array): number {
  let s = 0;
  for (const p of probs) s += Math.log(Math.max(p, 1e-12));
  return s / Math.max(1, probs.length);
}

export interface FewShotSplit {
  /** Per unseen persona: its support pairs in a seeded order (the first k are the k shots). */
  support: Map<string, number[]>;
  /** Positions (in ix) of the evaluation pairs: questions disjoint from the support's. */
  evaluation: number[];
}

/** Half of each persona's questions (by a seeded hash) give support pairs, the other half evaluation pairs. */
export function fewShotSplit(ix: PairIndex, seed: number): FewShotSplit {
  const byPersona = new Map<string, number[]>();
  ix.pairs.forEach((p, i) => {
    let list = byPersona.get(p.personaId);
    if (!list) byPersona.set(p.personaId, (list = []));
    list.push(i);
  });
  const support = new Map<string, number[]>();
  const evaluation: number[] = [];
  for (const [pid, list] of byPersona) {
    const questions = [...new Set(list.map((i) => ix.pairs[i].questionId))].sort((a, b) => {
      const ka = contentHash(`${seed}|shots|${pid}|${a}`);
      const kb = contentHash(`${seed}|shots|${pid}|${b}`);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const supportQ = new Set(questions.slice(0, Math.floor(questions.length / 2)));
    const s: number[] = [];
    for (const i of list) (supportQ.has(ix.pairs[i].questionId) ? s : evaluation).push(i);
    support.set(pid, new Rng(fnv1a32(`${seed}:shots:${pid}`)).shuffle(s));
  }
  return { support, evaluation };
}

export function personaWeights(m: BilinearModel): Float64Array {
  return forward(m).W;
}

export function runMultiObjective(ctx: AnalysisContext, conditional: BilinearModel | undefined, log: (line: string) => void = () => {}, onModel?: (model: BilinearModel) => void): MultiObjectiveReport {
  const o = ctx.spec.multiObjective;
  const P = ctx.ds.personas.length;
  const free = { kind: 'free' as const, personas: P };
  const grid: MultiObjectiveReport['grid'] = [];
  for (const d of o.dims) {
    const m = fitBilinear(ctx.X, free, ctx.fit, { d, l2: o.l2, seed: ctx.spec.seed, maxIterations: o.maxIterations });
    const v = meanLogLik(predict(m, ctx.validation));
    grid.push({ dims: d, validationLogLik: v });
    log(`multi-objective: d=${d} validation LL ${v.toFixed(4)} (${m.iterations} iterations)`);
  }
  const chosenDims = grid.reduce((best, g) => (g.validationLogLik > best.validationLogLik ? g : best)).dims;
  const model = fitBilinear(ctx.X, free, ctx.train, { d: chosenDims, l2: o.l2, seed: ctx.spec.seed, maxIterations: o.maxIterations });
  log(`multi-objective: refit d=${chosenDims} on all training pairs (train LL ${model.trainLogLik.toFixed(4)})`);
  onModel?.(model);

  // The prior over weights: the seen personas' fitted weights.
  const d = chosenDims;
  const { R, c, W } = forward(model);
  const seenRows = ctx.seen.map((p) => ctx.personaIndex.get(p.id)!);
  const Ws = new Float64Array(seenRows.length * d);
  seenRows.forEach((r, i) => Ws.set(W.subarray(r * d, (r + 1) * d), i * d));
  const { mean, cov } = meanCovariance(Ws, seenRows.length, d);
  const prior = gaussianPrior(mean, cov.map((v) => v * (o.priorScale ?? 1)), d);

  // Few-shot on unseen personas.
  const unseen = ctx.test.unseen;
  const split = fewShotSplit(unseen, ctx.spec.seed);
  const evalIx = subsetPairs(unseen, split.evaluation);
  const ids = evalIx.pairs.map((p) => p.personaId);
  const fewShot: FewShotPoint[] = [];
  for (const k of o.shots) {
    const Wk = new Float64Array(P * d);
    let personas = 0;
    for (const [pid, support] of split.support) {
      const shots = support.slice(0, k);
      if (shots.length < k) continue;
      personas++;
      const delta = new Float64Array(shots.length * d);
      const offset = new Float64Array(shots.length);
      shots.forEach((i, n) => {
        const a = unseen.chosen[i];
        const b = unseen.rejected[i];
        for (let j = 0; j < d; j++) delta[n * d + j] = R[a * d + j] - R[b * d + j];
        offset[n] = c[a] - c[b];
      });
      Wk.set(fitWeights(prior, delta, offset), ctx.personaIndex.get(pid)! * d);
    }
    // Personas with fewer than k support pairs are left out of this k's score.
    const keep: number[] = [];
    evalIx.pairs.forEach((p, i) => {
      if ((split.support.get(p.personaId)?.length ?? 0) >= k) keep.push(i);
    });
    const ev = subsetPairs(evalIx, keep);
    const probs = margins(R, c, Wk, d, ev).map(sigmoid);
    const pp = perPair(probs);
    const evIds = ev.pairs.map((p) => p.personaId);
    fewShot.push({ k, personas, pairs: ev.pairs.length, accuracy: clusterMean(evIds, pp.correct, ctx.boot(`shots:${k}:acc`)), logLik: clusterMean(evIds, pp.logLik, ctx.boot(`shots:${k}:ll`)) });
    log(`multi-objective: k=${k} accuracy ${fewShot[fewShot.length - 1].accuracy.value.toFixed(4)} on ${ev.pairs.length} pairs`);
  }
  const report: MultiObjectiveReport = { grid, chosenDims, trainLogLik: model.trainLogLik, fewShot, conditional: { accuracy: { value: NaN, lo: NaN, hi: NaN }, logLik: { value: NaN, lo: NaN, hi: NaN } } };
  if (conditional) {
    const pp = perPair(predict(conditional, evalIx));
    report.conditional = { accuracy: clusterMean(ids, pp.correct, ctx.boot('shots:conditional:acc')), logLik: clusterMean(ids, pp.logLik, ctx.boot('shots:conditional:ll')) };
  }
  if (isBuiltin(ctx.ds)) {
    report.bayes = ceilings(ctx.ds, evalIx.pairs as PreferencePair[]).bayesRealized;
    Object.assign(report, axisRecovery(ctx, model));
  }
  return report;
}

/** The learned basis r(x) on every candidate response of every built-in question against the poles. */
export function axisRecovery(ctx: AnalysisContext, model: BilinearModel): Pick<MultiObjectiveReport, 'axes' | 'canonicalCorrelations'> {
  const ds = ctx.ds;
  if (!isBuiltin(ds)) return {};
  const d = model.d;
  const A = AXIS_IDS.length;
  const bags: Bag[] = [];
  const poles: number[] = [];
  const question: number[] = [];
  ds.questions.forEach((q, qi) => {
    for (const pl of candidatePoles(q)) {
      bags.push(ctx.space.encoder.encode(ds.response(q.id, pl).text));
      const row = new Array(A).fill(0);
      q.axes.forEach((axis, s) => (row[AXIS_IDS.indexOf(axis)] = pl[s]));
      poles.push(...row);
      question.push(qi);
    }
  });
  const n = bags.length;
  const R = csrMul(csrFromBags(bags, ctx.X.cols), model.theta.subarray(0, ctx.X.cols * d), d);
  const Y = Float64Array.from(poles);
  // Rewards compare responses to one question: remove each question's mean from both sides.
  demeanBy(R, n, d, question);
  demeanBy(Y, n, A, question);
  const res = cca(R, d, Y, A, n);
  // Per axis, over the responses whose question varies on it (elsewhere the axis has no pole).
  const axes = AXIS_IDS.map((axis, k) => {
    const rows: number[] = [];
    for (let r = 0; r < n; r++) if (ds.questions[question[r]].axes.includes(axis)) rows.push(r);
    const Rk = new Float64Array(rows.length * d);
    rows.forEach((r, i) => Rk.set(R.subarray(r * d, (r + 1) * d), i * d));
    return { axis, correlation: cca(Rk, d, Float64Array.from(rows, (r) => Y[r * A + k]), 1, rows.length).perAxis[0] };
  });
  return { axes, canonicalCorrelations: res.canonical };
}
