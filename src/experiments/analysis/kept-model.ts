// The multi-objective reward model kept from an analysis run (issue 13, item 4's input): the learned
// basis r(x) = Vᵀ bag(x) ∈ R^d over the response word bag, expressed in named objectives so that a
// preference direction u can score any answer text as u · r(x) (policy/directional-reward.ts).
//
// r(x) is identified only up to an invertible linear map (w_p · r = (A⁻ᵀw_p) · (A r)), so its d raw
// coordinates mean nothing on their own. On the built-in world each objective is named by a planted
// axis: objective k is the least-squares combination β_k of the basis that predicts axis k's pole
// (±1) over every candidate response of the questions that vary on the axis, each question's mean
// removed — the regression whose R is the analysis's axis-recovery correlation. So r_k(x) reads
// "how far the answer is on axis k's + pole", in pole units, and sign(u_k) says which pole of axis
// k the direction wants. Off the built-in world the objectives are the raw basis ("objective 1"…).
import { AXIS_IDS, candidatePoles, isBuiltin, QUESTIONS, responseText } from '../../data';
import { ResponseBagEncoder, type Bag } from '../encoders/bags';
import type { Dataset } from '../../data';
import { fitBilinear, type BilinearModel } from './bilinear';
import { analysisContext } from './context';
import { analysisPreset } from './spec';
import { cholesky, cholSolve, demeanBy } from './linalg';
import { csrFromBags, csrMul } from './sparse';
import type { AnalysisContext } from './context';

export const KEPT_MULTI_OBJECTIVE_VERSION = 1;

export interface KeptMultiObjectiveModel {
  kind: 'multi-objective-reward';
  version: typeof KEPT_MULTI_OBJECTIVE_VERSION;
  /** The dataset the basis was fitted on (built-in worlds: seed, personas, questions, noise, skew). */
  datasetId: string;
  /** d of the learned basis (chosen by validation). */
  dims: number;
  /** Names of the objectives, in order (planted axes on the built-in world). */
  objectives: string[];
  /** Per objective: correlation of r_k(x) with the axis's pole over candidate responses (null: not aligned). */
  alignment: (number | null)[];
  /** Response features (word unigrams and bigrams) in id order. */
  vocab: string[];
  /** [features × objectives], row-major: r(x) = weightsᵀ bag(x). */
  weights: number[];
  /** Where it came from, in words. */
  description: string;
}

export class KeptModelError extends Error {
  override name = 'KeptModelError';
}

/** Solves the ridge-free normal equations (XᵀX + εI) β = Xᵀy for a [rows × d] X. */
function leastSquares(X: Float64Array, rows: number, d: number, y: Float64Array): Float64Array {
  const G = new Float64Array(d * d);
  const g = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < d; i++) {
      g[i] += X[r * d + i] * y[r];
      for (let j = 0; j < d; j++) G[i * d + j] += X[r * d + i] * X[r * d + j];
    }
  }
  // A tiny ridge keeps the solve defined when the basis has a direction no response uses.
  let tr = 0;
  for (let i = 0; i < d; i++) tr += G[i * d + i];
  for (let i = 0; i < d; i++) G[i * d + i] += 1e-9 * (tr / d) + 1e-12;
  return cholSolve(cholesky(G, d), d, g);
}

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** The fitted multi-objective model as a kept model, its objectives named by the planted axes on the built-in world. */
export function keepMultiObjective(ctx: AnalysisContext, model: BilinearModel, description: string): KeptMultiObjectiveModel {
  const d = model.d;
  const F = ctx.X.cols;
  const V = model.theta.subarray(0, F * d);
  const vocab = ctx.space.encoder.vocab.names.slice();
  if (!isBuiltin(ctx.ds)) {
    return { kind: 'multi-objective-reward', version: KEPT_MULTI_OBJECTIVE_VERSION, datasetId: ctx.ds.id, dims: d, objectives: Array.from({ length: d }, (_, k) => `objective ${k + 1}`), alignment: new Array(d).fill(null), vocab, weights: Array.from(V), description };
  }
  // Every candidate response of every question: the basis against the poles, per question demeaned.
  const bags: Bag[] = [];
  const poles: number[] = [];
  const question: number[] = [];
  const A = AXIS_IDS.length;
  QUESTIONS.forEach((q, qi) => {
    for (const pl of candidatePoles(q)) {
      bags.push(ctx.space.encoder.encode(responseText(q, pl)));
      const row = new Array(A).fill(0);
      q.axes.forEach((axis, s) => (row[AXIS_IDS.indexOf(axis)] = pl[s]));
      poles.push(...row);
      question.push(qi);
    }
  });
  const n = bags.length;
  const R = csrMul(csrFromBags(bags, F), V, d);
  const Y = Float64Array.from(poles);
  demeanBy(R, n, d, question);
  demeanBy(Y, n, A, question);
  const B = new Float64Array(d * A);
  const alignment: number[] = [];
  AXIS_IDS.forEach((axis, k) => {
    const rows: number[] = [];
    for (let r = 0; r < n; r++) if (QUESTIONS[question[r]].axes.includes(axis)) rows.push(r);
    const Rk = new Float64Array(rows.length * d);
    const yk = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      Rk.set(R.subarray(r * d, (r + 1) * d), i * d);
      yk[i] = Y[r * A + k];
    });
    const beta = leastSquares(Rk, rows.length, d, yk);
    for (let j = 0; j < d; j++) B[j * A + k] = beta[j];
    const fitted = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) for (let j = 0; j < d; j++) fitted[i] += Rk[i * d + j] * beta[j];
    alignment.push(correlation(fitted, yk));
  });
  // weights = V B: [F × A].
  const W = new Float64Array(F * A);
  for (let f = 0; f < F; f++) for (let j = 0; j < d; j++) {
    const v = V[f * d + j];
    if (v !== 0) for (let k = 0; k < A; k++) W[f * A + k] += v * B[j * A + k];
  }
  return { kind: 'multi-objective-reward', version: KEPT_MULTI_OBJECTIVE_VERSION, datasetId: ctx.ds.id, dims: d, objectives: [...AXIS_IDS], alignment, vocab, weights: Array.from(W, (x) => Math.fround(x)), description };
}

/** Checks a parsed JSON value is a kept multi-objective model (throws KeptModelError naming what is wrong). */
export function parseKeptMultiObjective(v: unknown, where: string): KeptMultiObjectiveModel {
  const m = v as Partial<KeptMultiObjectiveModel> | null;
  if (!m || typeof m !== 'object' || m.kind !== 'multi-objective-reward') throw new KeptModelError(`${where} is not a kept multi-objective reward model (kind must be "multi-objective-reward"; write one with \`analysis run --parts multi-objective --keep-model FILE\`)`);
  if (m.version !== KEPT_MULTI_OBJECTIVE_VERSION) throw new KeptModelError(`${where}: version ${String(m.version)}, this build reads ${KEPT_MULTI_OBJECTIVE_VERSION}`);
  const O = Array.isArray(m.objectives) ? m.objectives.length : 0;
  const F = Array.isArray(m.vocab) ? m.vocab.length : 0;
  if (O < 1 || F < 1 || !Array.isArray(m.weights) || m.weights.length !== F * O) throw new KeptModelError(`${where}: weights must be ${F} features × ${O} objectives`);
  return m as KeptMultiObjectiveModel;
}

/** r(x) of any answer text under a kept model: the words and word pairs it shares with the vocabulary count. */
export class MultiObjectiveScorer {
  private readonly encoder: ResponseBagEncoder;
  private readonly W: Float32Array;
  readonly objectives: readonly string[];

  constructor(readonly kept: KeptMultiObjectiveModel) {
    this.encoder = new ResponseBagEncoder([], kept.vocab);
    this.W = Float32Array.from(kept.weights);
    this.objectives = kept.objectives;
  }

  /** The reward vector r(x) ∈ R^objectives. */
  rewards(text: string): Float64Array {
    const O = this.objectives.length;
    const out = new Float64Array(O);
    const bag = this.encoder.encode(text);
    for (let i = 0; i < bag.ids.length; i++) {
      const row = bag.ids[i] * O;
      const w = bag.weights[i];
      for (let k = 0; k < O; k++) out[k] += w * this.W[row + k];
    }
    return out;
  }
}

/**
 * Fits the multi-objective model on a dataset with the analysis settings (the builtin
 * preset's split, λ and iterations; `dims` fixed instead of chosen by validation) and keeps it:
 * what a directional policy arm with no kept model trains from.
 */
export function fitKeptMultiObjective(ds: Dataset, seed: number, dims: number): KeptMultiObjectiveModel {
  const spec = { ...analysisPreset('builtin'), seed, parts: ['multi-objective' as const] };
  const ctx = analysisContext(ds, spec);
  const o = spec.multiObjective;
  const model = fitBilinear(ctx.X, { kind: 'free', personas: ds.personas.length }, ctx.train, { d: dims, l2: o.l2, seed, maxIterations: o.maxIterations });
  return keepMultiObjective(ctx, model, `fitted in the run on ${ds.name}: multi-objective basis d = ${dims}, λ ${o.l2}, ${ctx.train.pairs.length} training pairs`);
}
