// The low-rank Bradley–Terry model every analysis fits. Responses get a reward vector from their
// word bag, r(x) = Vᵀ bag(x) ∈ R^d, plus a persona-independent reward c(x) = bᵀ bag(x); a persona
// p gets a weight vector w_p, and
//   P(chosen ≻ rejected | p) = σ(w_p · (r(chosen) - r(rejected)) + c(chosen) - c(rejected)).
// Where w_p comes from:
//   'attributes': w_p = Uᵀ a_p for p's attribute bag a_p (conditional fitting, item 1; with only
//                 the bias feature every persona shares one w: the marginal model);
//   'free':       one free w_p per persona (the multi-objective reward, item 3: r(x) is the
//                 basis of d objectives, w_p the persona's weights over them).
// Fitted by L-BFGS on the mean negative log-likelihood plus (l2 / 2)·‖params‖².
import { Rng } from '../../util/rng';
import { lbfgs } from './lbfgs';
import type { PairIndex } from './pair-index';
import { csrMul, csrMulTransposeAdd, type Csr } from './sparse';

export type PersonaWeights = { kind: 'attributes'; A: Csr } | { kind: 'free'; personas: number };

export interface BilinearModel {
  d: number;
  X: Csr;
  persona: PersonaWeights;
  /** Packed parameters: V [F × d], b [F], then U [A.cols × d] or W [P × d]. */
  theta: Float64Array;
}

export interface FitOptions {
  d: number;
  l2: number;
  seed: number;
  maxIterations: number;
  /** Per-pair weights (default 1). */
  weights?: Float64Array;
  /** Start point (a previous fit's theta: EM's warm start); default a seeded random one. */
  init?: Float64Array;
}

function personaRows(p: PersonaWeights): number {
  return p.kind === 'attributes' ? p.A.cols : p.personas;
}

function views(m: Pick<BilinearModel, 'd' | 'X' | 'persona'>, theta: Float64Array) {
  const F = m.X.cols;
  const d = m.d;
  return {
    V: theta.subarray(0, F * d),
    b: theta.subarray(F * d, F * d + F),
    P: theta.subarray(F * d + F),
  };
}

/** Reward vectors R [responses × d], persona-independent rewards c [responses], persona weights W [personas × d]. */
export function forward(m: BilinearModel, theta = m.theta) {
  const { V, b, P } = views(m, theta);
  const R = csrMul(m.X, V, m.d);
  const c = csrMul(m.X, b, 1);
  const W = m.persona.kind === 'attributes' ? csrMul(m.persona.A, P, m.d) : P;
  return { R, c, W };
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** The margin of each pair under persona weights `W` (rows indexed by the pairs' personas). */
export function margins(R: Float64Array, c: Float64Array, W: Float64Array, d: number, ix: PairIndex, out = new Float64Array(ix.pairs.length)): Float64Array {
  for (let i = 0; i < out.length; i++) {
    const w = ix.persona[i] * d;
    const a = ix.chosen[i] * d;
    const r = ix.rejected[i] * d;
    let m = c[ix.chosen[i]] - c[ix.rejected[i]];
    for (let k = 0; k < d; k++) m += W[w + k] * (R[a + k] - R[r + k]);
    out[i] = m;
  }
  return out;
}

/** P(chosen ≻ rejected) per pair. */
export function predict(m: BilinearModel, ix: PairIndex): Float64Array {
  const { R, c, W } = forward(m);
  return margins(R, c, W, m.d, ix).map(sigmoid);
}

export function initialTheta(X: Csr, persona: PersonaWeights, d: number, seed: number): Float64Array {
  const F = X.cols;
  const rng = new Rng(seed >>> 0);
  const theta = new Float64Array(F * d + F + personaRows(persona) * d);
  for (let i = 0; i < F * d; i++) theta[i] = rng.normal(0, 0.1);
  for (let i = F * d + F; i < theta.length; i++) theta[i] = rng.normal(0, 0.1);
  return theta;
}

/** Mean NLL (+ L2) and its gradient: the objective `fitBilinear` minimizes. */
export function objective(m: Omit<BilinearModel, 'theta'>, ix: PairIndex, l2: number, weights?: Float64Array) {
  const d = m.d;
  const n = ix.pairs.length;
  const total = weights ? weights.reduce((a, b) => a + b, 0) : n;
  return (theta: Float64Array, grad: Float64Array): number => {
    const { R, c, W } = forward({ ...m, theta }, theta);
    const dR = new Float64Array(R.length);
    const dc = new Float64Array(c.length);
    const dW = new Float64Array(W.length);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const s = weights ? weights[i] : 1;
      if (s === 0) continue;
      const w = ix.persona[i] * d;
      const a = ix.chosen[i] * d;
      const r = ix.rejected[i] * d;
      let mg = c[ix.chosen[i]] - c[ix.rejected[i]];
      for (let k = 0; k < d; k++) mg += W[w + k] * (R[a + k] - R[r + k]);
      loss += s * softplus(-mg);
      const g = (-s * sigmoid(-mg)) / total;
      dc[ix.chosen[i]] += g;
      dc[ix.rejected[i]] -= g;
      for (let k = 0; k < d; k++) {
        dW[w + k] += g * (R[a + k] - R[r + k]);
        dR[a + k] += g * W[w + k];
        dR[r + k] -= g * W[w + k];
      }
    }
    grad.fill(0);
    const { V: gV, b: gb, P: gP } = views(m, grad);
    csrMulTransposeAdd(m.X, dR, d, gV);
    csrMulTransposeAdd(m.X, dc, 1, gb);
    if (m.persona.kind === 'attributes') csrMulTransposeAdd(m.persona.A, dW, d, gP);
    else gP.set(dW);
    let reg = 0;
    for (let i = 0; i < theta.length; i++) {
      reg += theta[i] * theta[i];
      grad[i] += l2 * theta[i];
    }
    return loss / total + 0.5 * l2 * reg;
  };
}

export function fitBilinear(X: Csr, persona: PersonaWeights, ix: PairIndex, o: FitOptions): BilinearModel & { iterations: number; trainLogLik: number } {
  const base = { d: o.d, X, persona };
  const res = lbfgs(objective(base, ix, o.l2, o.weights), o.init ?? initialTheta(X, persona, o.d, o.seed), { maxIterations: o.maxIterations });
  const model: BilinearModel = { ...base, theta: res.x };
  const p = predict(model, ix);
  let ll = 0;
  for (let i = 0; i < p.length; i++) ll += Math.log(Math.max(p[i], 1e-300));
  return { ...model, iterations: res.iterations, trainLogLik: ll / Math.max(1, p.length) };
}
