// Choosing the next token from one row of logits: greedy, or sampling with temperature, top-k and
// top-p (applied in that order, as transformers' generate does), from a seeded Rng so a run
// reproduces token for token. Works on host arrays: generation reads back one [V] row per step.
import type { Rng } from '../../util/rng';

export interface SamplingOptions {
  /** 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Keep the k most likely tokens; 0 or undefined keeps all. */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p; 1 or undefined keeps all. */
  topP?: number;
  /** Only ids below this are candidates (the tokenizer's size, when the embedding is padded). */
  vocabLimit?: number;
}

export class SamplingOptionsError extends Error {
  override name = 'SamplingOptionsError';
}

export function validateSampling(o: SamplingOptions): void {
  const t = o.temperature ?? 1;
  if (!(t >= 0 && Number.isFinite(t))) throw new SamplingOptionsError(`temperature must be >= 0 (0 = greedy), not ${t}`);
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 0)) throw new SamplingOptionsError(`topK must be a non-negative integer, not ${o.topK}`);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) throw new SamplingOptionsError(`topP must be in (0, 1], not ${o.topP}`);
}

/** Index of the largest value among the first `limit` (first one on ties, as torch.argmax). */
export function argmax(row: ArrayLike<number>, limit = row.length): number {
  let best = 0;
  for (let i = 1; i < limit; i++) if (row[i] > row[best]) best = i;
  return best;
}

/**
 * The candidate tokens and their renormalized probabilities after temperature, top-k and top-p:
 * most likely first when top-k or top-p is on, else every id in order. Exposed for tests and for
 * showing the distribution in the UI.
 */
export function samplingDistribution(row: ArrayLike<number>, o: SamplingOptions): { ids: number[]; probs: number[] } {
  validateSampling(o);
  const V = Math.min(o.vocabLimit ?? row.length, row.length);
  const t = o.temperature ?? 1;
  if (t === 0) return { ids: [argmax(row, V)], probs: [1] };
  const k = o.topK && o.topK > 0 ? Math.min(o.topK, V) : V;
  let ids = Array.from({ length: V }, (_, i) => i);
  // Sorting a 150k vocabulary costs ~20 ms; only top-k and top-p need the order.
  if (k < V || (o.topP ?? 1) < 1) ids = ids.sort((a, b) => row[b] - row[a] || a - b).slice(0, k);
  let max = -Infinity;
  for (const i of ids) max = Math.max(max, row[i]);
  let probs = ids.map((i) => Math.exp((row[i] - max) / t));
  let sum = probs.reduce((a, b) => a + b, 0);
  probs = probs.map((p) => p / sum);
  const p = o.topP ?? 1;
  if (p < 1) {
    let cum = 0;
    let keep = 0;
    while (keep < probs.length && cum < p) cum += probs[keep++];
    ids.length = Math.max(keep, 1);
    probs = probs.slice(0, ids.length);
    sum = probs.reduce((a, b) => a + b, 0);
    probs = probs.map((q) => q / sum);
  }
  return { ids, probs };
}

/** The next token: argmax when temperature is 0, else a draw from samplingDistribution. */
export function sampleNext(row: ArrayLike<number>, o: SamplingOptions, rng: Rng): number {
  if ((o.temperature ?? 1) === 0) {
    validateSampling(o);
    return argmax(row, Math.min(o.vocabLimit ?? row.length, row.length));
  }
  if (!(o.topK && o.topK > 0) && (o.topP ?? 1) >= 1) return sampleFull(row, o, rng);
  const { ids, probs } = samplingDistribution(row, o);
  return ids[rng.weighted(probs)];
}

/**
 * A draw from the whole (temperature-scaled) distribution in two passes over the row, without
 * the id and probability arrays: the same arithmetic, in the same order, as
 * rng.weighted(samplingDistribution(row, o).probs), so it draws the same id. Generation calls
 * this once per row per step, and the arrays were most of its sampling time.
 */
let scratch = new Float64Array(0);

function sampleFull(row: ArrayLike<number>, o: SamplingOptions, rng: Rng): number {
  validateSampling(o);
  const V = Math.min(o.vocabLimit ?? row.length, row.length);
  const t = o.temperature ?? 1;
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, row[i]);
  if (scratch.length < V) scratch = new Float64Array(V);
  const w = scratch;
  let sum = 0;
  for (let i = 0; i < V; i++) sum += w[i] = Math.exp((row[i] - max) / t);
  let total = 0;
  for (let i = 0; i < V; i++) total += w[i] = w[i] / sum;
  let r = rng.next() * total;
  for (let i = 0; i < V; i++) {
    r -= w[i];
    if (r < 0) return i;
  }
  return V - 1;
}
