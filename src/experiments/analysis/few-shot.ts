// A new persona's weights over a fixed reward basis from k of its comparisons: the MAP estimate
// under a Gaussian prior fitted to the training personas' weights (mean μ, covariance Σ),
//   ŵ = argmin_w  Σ_i softplus(-(w·Δ_i + δc_i)) + ½ (w - μ)ᵀ Σ⁻¹ (w - μ),
// by Newton's method (the objective is strictly convex). With k = 0 it is μ: the population's
// average weights, a persona-blind prediction.
import { cholesky, cholSolve, inverseSpd } from './linalg';

export interface GaussianPrior {
  d: number;
  mean: Float64Array;
  /** Σ⁻¹ [d × d]. */
  precision: Float64Array;
}

export function gaussianPrior(mean: Float64Array, cov: Float64Array, d: number, ridge = 1e-6): GaussianPrior {
  const c = Float64Array.from(cov);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += c[i * d + i];
  for (let i = 0; i < d; i++) c[i * d + i] += ridge * (trace / d || 1) + 1e-12;
  return { d, mean: Float64Array.from(mean), precision: inverseSpd(c, d) };
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * MAP weights from comparisons given as reward-vector differences `delta` [k × d] (chosen minus
 * rejected) and persona-independent margin offsets `offset` [k].
 */
export function fitWeights(prior: GaussianPrior, delta: Float64Array, offset: Float64Array, iterations = 25): Float64Array {
  const d = prior.d;
  const k = offset.length;
  const w = Float64Array.from(prior.mean);
  for (let it = 0; it < iterations; it++) {
    const grad = new Float64Array(d);
    const H = Float64Array.from(prior.precision);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) grad[i] += prior.precision[i * d + j] * (w[j] - prior.mean[j]);
    for (let n = 0; n < k; n++) {
      let m = offset[n];
      for (let j = 0; j < d; j++) m += w[j] * delta[n * d + j];
      const s = sigmoid(m);
      const g = -(1 - s);
      const h = s * (1 - s);
      for (let i = 0; i < d; i++) {
        grad[i] += g * delta[n * d + i];
        for (let j = 0; j < d; j++) H[i * d + j] += h * delta[n * d + i] * delta[n * d + j];
      }
    }
    const step = cholSolve(cholesky(H, d), d, grad);
    let size = 0;
    for (let i = 0; i < d; i++) {
      w[i] -= step[i];
      size = Math.max(size, Math.abs(step[i]));
    }
    if (size < 1e-10) break;
  }
  return w;
}
