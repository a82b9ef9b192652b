// The ground truth of the built-in dataset: every persona's taste on every axis, the per-question
// noise on it, the true utility of any (persona, response), pair labels, and the probabilities a
// Bayes-optimal predictor (who knows the attributes but not the noise) assigns.
//
//   taste[p][k]        = (raw_k(driver scores of p) - center_k) / scale_k        (axes.ts)
//   z[p][q][k]         = taste[p][k] + sigma * eps[p][q][k],  eps ~ Irwin–Hall(4), unit variance
//   utility(p, q, r)   = sum over q's axes k of  weight[q][k] * z[p][q][k] * pole_k(r)
//
// The noise is independent across questions, so no model can learn it from other rows of the
// same persona: the Bayes ceilings hold for seen and unseen personas alike.
import type { Attributes, PersonaRecord } from '../schema';
import { AXIS_IDS, tastes, type AxisId } from './axes';
import { probPositive, sampleNoise } from './noise';
import { streamFor } from './personas';
import type { BuiltinQuestion } from './questions';
import type { Poles } from './responses';

const AXIS_INDEX: Record<AxisId, number> = Object.fromEntries(AXIS_IDS.map((a, i) => [a, i])) as Record<AxisId, number>;

/** Axis weight within a question: the topic's own axis (slot 0) counts 1.5, the others 1. */
export function axisWeight(_q: BuiltinQuestion, slot: number): number {
  return slot === 0 ? 1.5 : 1;
}

export class BuiltinTruth {
  /** Standardized tastes, persona-major: taste[p * 10 + k]. */
  readonly taste: Float64Array;
  private readonly index = new Map<string, number>();

  constructor(
    readonly seed: number,
    readonly sigma: number,
    readonly personas: readonly PersonaRecord[],
    /** Tastes from attributes; a skewed world moves some axes' centers (skew.ts). */
    tasteFn: (attrs: Attributes, index: number) => Float64Array = tastes,
  ) {
    this.taste = new Float64Array(personas.length * AXIS_IDS.length);
    personas.forEach((p, i) => {
      this.index.set(p.id, i);
      this.taste.set(tasteFn(p.attributes, i), i * AXIS_IDS.length);
    });
  }

  personaIndex(personaId: string): number {
    const i = this.index.get(personaId);
    if (i === undefined) throw new RangeError(`Not a built-in persona of this dataset: ${personaId}`);
    return i;
  }

  /** The noise-free taste of persona `p` (index) on `axis`. */
  tasteOf(p: number, axis: AxisId): number {
    return this.taste[p * AXIS_IDS.length + AXIS_INDEX[axis]];
  }

  /** z[p][q][k] for the question's axes, in its axis order. */
  effectiveTaste(p: number, q: BuiltinQuestion): number[] {
    const rng = streamFor(this.seed, `noise:${q.id}`, p);
    return q.axes.map((axis) => this.tasteOf(p, axis) + this.sigma * sampleNoise(rng));
  }

  /** The persona's best response: the sign of z on each axis (utility is linear in the poles). */
  bestPoles(p: number, q: BuiltinQuestion): number[] {
    return this.effectiveTaste(p, q).map((z) => (z >= 0 ? 1 : -1));
  }

  utility(p: number, q: BuiltinQuestion, poles: Poles): number {
    const z = this.effectiveTaste(p, q);
    let u = 0;
    for (let k = 0; k < z.length; k++) u += axisWeight(q, k) * z[k] * poles[k];
    return u;
  }

  /** +1 if p truly prefers a, -1 if b, 0 if indifferent. */
  prefers(p: number, q: BuiltinQuestion, a: Poles, b: Poles): number {
    const d = this.utility(p, q, a) - this.utility(p, q, b);
    return d > 0 ? 1 : d < 0 ? -1 : 0;
  }

  /** P(p's best pole on each of q's axes is +), knowing the attributes but not the noise. */
  probPlus(p: number, q: BuiltinQuestion): number[] {
    return q.axes.map((axis) => probPositive(this.tasteOf(p, axis), this.sigma));
  }

  /** P(p's best response is exactly `poles`) given p's attributes: axes are independent. */
  probBest(p: number, q: BuiltinQuestion, poles: Poles, plus = this.probPlus(p, q)): number {
    let prob = 1;
    for (let k = 0; k < poles.length; k++) prob *= poles[k] > 0 ? plus[k] : 1 - plus[k];
    return prob;
  }
}
