// Latent preference types: a mixture of K Bradley–Terry reward models fitted by EM over personas.
// Each type k has its own linear reward over response features, r_k(x) = θ_kᵀ bag(x); a persona
// belongs to one type, so all its comparisons share it:
//   P(persona p's comparisons) = Σ_k π_k Π_{i ∈ p} σ(r_k(chosen_i) - r_k(rejected_i)).
// E-step: responsibilities γ_pk ∝ π_k Π_i σ(m_ik); M-step: π_k = mean_p γ_pk, θ_k = the
// γ-weighted logistic fit with L2 (warm-started L-BFGS). No attributes are used: users with none
// at all work too. Restarts from seeded random hard assignments; the best training likelihood wins.
import { Rng } from '../../util/rng';
import { fitBilinear, margins, type PersonaWeights } from './bilinear';
import type { PairIndex } from './pair-index';
import { csrMul, type Csr } from './sparse';

export interface EmOptions {
  k: number;
  l2: number;
  seed: number;
  maxIterations: number;
  restarts: number;
  /** Stop when the per-pair log-likelihood improves by less than this. */
  tol?: number;
}

export interface Mixture {
  k: number;
  X: Csr;
  /** θ_k [F] per type (each the `b` block of a d = 0 bilinear model). */
  theta: Float64Array[];
  pi: Float64Array;
  /** γ [personas × K]; personas with no training pairs get π. */
  resp: Float64Array;
  /** Training log-likelihood per pair (of the mixture, personas marginalized). */
  trainLogLik: number;
  iterations: number;
}

const NONE: PersonaWeights = { kind: 'free', personas: 0 };

function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** Margins of every pair under each type: [K][pairs]. */
export function typeMargins(X: Csr, theta: readonly Float64Array[], ix: PairIndex): Float64Array[] {
  const empty = new Float64Array(0);
  return theta.map((t) => margins(empty, csrMul(X, t, 1), empty, 0, ix));
}

/** Per persona and type, Σ_i log σ(m_ik) over the persona's pairs: [personas × K]. */
function personaLogLik(m: Float64Array[], ix: PairIndex, personas: number): Float64Array {
  const K = m.length;
  const out = new Float64Array(personas * K);
  for (let k = 0; k < K; k++) for (let i = 0; i < ix.pairs.length; i++) out[ix.persona[i] * K + k] += logSigmoid(m[k][i]);
  return out;
}

/** E-step: γ from per-persona log-likelihoods; returns the total log-likelihood. */
function responsibilities(ll: Float64Array, pi: Float64Array, has: Uint8Array, resp: Float64Array): number {
  const K = pi.length;
  let total = 0;
  for (let p = 0; p < has.length; p++) {
    if (!has[p]) {
      resp.set(pi, p * K);
      continue;
    }
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, Math.log(pi[k] + 1e-300) + ll[p * K + k]);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(Math.log(pi[k] + 1e-300) + ll[p * K + k] - mx);
    for (let k = 0; k < K; k++) resp[p * K + k] = Math.exp(Math.log(pi[k] + 1e-300) + ll[p * K + k] - mx) / s;
    total += mx + Math.log(s);
  }
  return total;
}

function emOnce(X: Csr, ix: PairIndex, personas: number, o: EmOptions, seed: number): Mixture {
  const K = o.k;
  const n = ix.pairs.length;
  const has = new Uint8Array(personas);
  for (let i = 0; i < n; i++) has[ix.persona[i]] = 1;
  const rng = new Rng(seed >>> 0);
  // Start: each persona mostly in one random type.
  const resp = new Float64Array(personas * K);
  for (let p = 0; p < personas; p++) {
    const t = rng.int(K);
    for (let k = 0; k < K; k++) resp[p * K + k] = k === t ? 0.7 + 0.3 / K : 0.3 / K;
  }
  const pi = new Float64Array(K).fill(1 / K);
  let theta: Float64Array[] = Array.from({ length: K }, () => new Float64Array(X.cols));
  let prev = -Infinity;
  let ll = -Infinity;
  let it = 0;
  for (; it < o.maxIterations; it++) {
    // M-step.
    pi.fill(0);
    let mass = 0;
    for (let p = 0; p < personas; p++) {
      if (!has[p]) continue;
      for (let k = 0; k < K; k++) {
        pi[k] += resp[p * K + k];
        mass += resp[p * K + k];
      }
    }
    for (let k = 0; k < K; k++) pi[k] = Math.max(pi[k] / mass, 1e-6);
    theta = theta.map((init, k) => {
      const weights = Float64Array.from(ix.persona, (p) => resp[p * K + k]);
      return fitBilinear(X, NONE, ix, { d: 0, l2: o.l2, seed, maxIterations: 60, weights, init }).theta;
    });
    // E-step.
    ll = responsibilities(personaLogLik(typeMargins(X, theta, ix), ix, personas), pi, has, resp) / n;
    if (ll - prev < (o.tol ?? 1e-6)) {
      it++;
      break;
    }
    prev = ll;
  }
  return { k: K, X, theta, pi, resp, trainLogLik: ll, iterations: it };
}

export function fitMixture(X: Csr, ix: PairIndex, personas: number, o: EmOptions): Mixture {
  let best: Mixture | undefined;
  const restarts = o.k === 1 ? 1 : Math.max(1, o.restarts);
  for (let r = 0; r < restarts; r++) {
    const m = emOnce(X, ix, personas, o, (o.seed * 7919 + r * 104729 + o.k) >>> 0);
    if (!best || m.trainLogLik > best.trainLogLik) best = m;
  }
  return best!;
}

/** P(chosen ≻ rejected) per pair: Σ_k γ_pk σ(m_ik), with γ of the pair's persona (π if unknown). */
export function predictMixture(m: Mixture, ix: PairIndex): Float64Array {
  const margins = typeMargins(m.X, m.theta, ix);
  const out = new Float64Array(ix.pairs.length);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = 0; k < m.k; k++) s += m.resp[ix.persona[i] * m.k + k] * Math.exp(logSigmoid(margins[k][i]));
    out[i] = s;
  }
  return out;
}

/** Each persona's most likely type (-1 for personas the fit never saw). */
export function hardTypes(m: Mixture, seen: Uint8Array): Int32Array {
  const P = seen.length;
  const out = new Int32Array(P).fill(-1);
  for (let p = 0; p < P; p++) {
    if (!seen[p]) continue;
    let best = 0;
    for (let k = 1; k < m.k; k++) if (m.resp[p * m.k + k] > m.resp[p * m.k + best]) best = k;
    out[p] = best;
  }
  return out;
}
