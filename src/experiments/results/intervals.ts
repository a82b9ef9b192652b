// Confidence intervals for accuracies: Wilson's score interval for one accuracy (good at small n
// and near 0 or 1, unlike the normal approximation), and a seeded cluster bootstrap over personas
// for differences between two methods scored on the same pairs (pairs of one persona are not
// independent, so personas, not pairs, are resampled).
import { Rng } from '../../util/rng';

/** Two-sided standard-normal quantile for a confidence level (Acklam's rational approximation). */
export function zFor(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return normalQuantile(1 - (1 - confidence) / 2);
}

function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** A mean with its normal interval, mean ± z·sd/√n (sd with n − 1). */
export interface MeanInterval {
  n: number;
  mean: number;
  lo: number;
  hi: number;
}

/**
 * The mean of `xs` with its normal interval. No values give a NaN mean; one value gives its mean
 * with a NaN interval, since one value says nothing about the spread (the UI prints NaN as "–").
 */
export function meanInterval(xs: ArrayLike<number>, confidence: number): MeanInterval {
  const n = xs.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i];
  const mean = n ? sum / n : NaN;
  if (n < 2) return { n, mean, lo: NaN, hi: NaN };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - mean) ** 2;
  const half = (zFor(confidence) * Math.sqrt(ss / (n - 1))) / Math.sqrt(n);
  return { n, mean, lo: mean - half, hi: mean + half };
}

/** Linear-interpolated quantile of sorted values (q in [0, 1]); NaN for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Wilson score interval for `correct` successes out of `n` (ties may count 0.5). */
export function wilson(correct: number, n: number, confidence = 0.95): [number, number] {
  if (n <= 0) return [0, 1];
  const z = zFor(confidence);
  const p = correct / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/** Per-cluster sums: a method's correct count and the number of items, per persona. */
export interface ClusterScores {
  clusters: string[];
  /** correct[i]: score of cluster i (sum of per-pair scores in [0, 1]). */
  correct: Float64Array;
  n: Float64Array;
}

/** Groups per-pair scores by cluster id (persona). */
export function clusterScores(ids: readonly string[], scores: ArrayLike<number>): ClusterScores {
  const index = new Map<string, number>();
  const correct: number[] = [];
  const n: number[] = [];
  ids.forEach((id, i) => {
    let k = index.get(id);
    if (k === undefined) {
      index.set(id, (k = correct.length));
      correct.push(0);
      n.push(0);
    }
    correct[k] += scores[i];
    n[k] += 1;
  });
  return { clusters: [...index.keys()], correct: Float64Array.from(correct), n: Float64Array.from(n) };
}

export interface DiffInterval {
  /** Accuracy of a minus accuracy of b on the full sample. */
  diff: number;
  lo: number;
  hi: number;
  /** Standard deviation of the bootstrap distribution (the standard error of diff). */
  se: number;
  resamples: number;
}

/**
 * Percentile interval of acc(a) - acc(b), both scored on the same items, resampling clusters
 * with replacement `resamples` times from a seeded generator. `a` and `b` come from
 * clusterScores over the same item ids in the same order.
 */
export function pairedBootstrapDiff(a: ClusterScores, b: ClusterScores, o: { resamples: number; seed: number; confidence?: number }): DiffInterval {
  const K = a.clusters.length;
  if (K !== b.clusters.length || a.clusters.some((c, i) => c !== b.clusters[i])) throw new RangeError('pairedBootstrapDiff: a and b must be scored on the same clusters');
  const total = (s: ClusterScores) => s.correct.reduce((x, y) => x + y, 0) / Math.max(1, s.n.reduce((x, y) => x + y, 0));
  const diff = total(a) - total(b);
  if (K === 0) return { diff: 0, lo: 0, hi: 0, se: 0, resamples: 0 };
  const rng = new Rng(o.seed);
  const diffs = new Float64Array(o.resamples);
  for (let r = 0; r < o.resamples; r++) {
    let ca = 0;
    let cb = 0;
    let n = 0;
    for (let k = 0; k < K; k++) {
      const j = rng.int(K);
      ca += a.correct[j];
      cb += b.correct[j];
      n += a.n[j];
    }
    diffs[r] = n > 0 ? (ca - cb) / n : 0;
  }
  diffs.sort();
  const alpha = (1 - (o.confidence ?? 0.95)) / 2;
  const at = (q: number) => diffs[Math.min(o.resamples - 1, Math.max(0, Math.floor(q * o.resamples)))];
  const mean = diffs.reduce((x, y) => x + y, 0) / o.resamples;
  const se = Math.sqrt(diffs.reduce((x, y) => x + (y - mean) ** 2, 0) / Math.max(1, o.resamples - 1));
  return { diff, lo: at(alpha), hi: at(1 - alpha), se, resamples: o.resamples };
}
