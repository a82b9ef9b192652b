// The noise on a persona's taste: a standardized Irwin–Hall(4) variable (the sum of four
// uniforms, centred and scaled to unit variance). It is bell-shaped like a normal, and both its
// sampling and its CDF need only + and * (no log/exp/cos), so every JS engine gives the same
// bits and the Bayes ceilings are computed exactly rather than by Monte Carlo.
import type { Rng } from '../../util/rng';

const N = 4;
/** sd of a sum of 4 U(0,1) is sqrt(4/12); sqrt is correctly rounded in IEEE 754, so exact everywhere. */
const SD = Math.sqrt(N / 12);

/** One draw: mean 0, variance 1, support [-2*sqrt(3), 2*sqrt(3)]. */
export function sampleNoise(rng: Rng): number {
  return (rng.next() + rng.next() + rng.next() + rng.next() - N / 2) / SD;
}

/** P(noise <= t). */
export function noiseCdf(t: number): number {
  const x = t * SD + N / 2; // back to the scale of the sum
  if (x <= 0) return 0;
  if (x >= N) return 1;
  // Irwin–Hall CDF: (1/n!) * sum_{k=0}^{floor(x)} (-1)^k C(n,k) (x-k)^n.
  const binom = [1, 4, 6, 4, 1];
  let sum = 0;
  for (let k = 0; k <= Math.floor(x); k++) {
    const d = x - k;
    const term = binom[k] * d * d * d * d;
    sum += k % 2 === 0 ? term : -term;
  }
  return Math.min(1, Math.max(0, sum / 24));
}

/** P(taste + sigma * noise >= 0): the chance a persona with this taste prefers the + pole. */
export function probPositive(taste: number, sigma: number): number {
  if (sigma <= 0) return taste >= 0 ? 1 : 0;
  return 1 - noiseCdf(-taste / sigma);
}
