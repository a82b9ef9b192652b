// Scores of predicted pair probabilities: mean log-likelihood and accuracy with percentile
// bootstrap intervals over personas (pairs of one persona are not independent; the resampler is
// intervals.ts's seeded cluster bootstrap), and calibration on the top-label confidence
// max(p, 1 - p): a reliability diagram of equal-width bins over [0.5, 1] and the expected
// calibration error ECE = Σ_b (n_b / N) |accuracy_b - confidence_b| (Guo et al. 2017).
import type { AnalysisSet, CalibrationBin, Estimate, SetFit } from '../../protocol/analysis';
import { clusterScores, pairedBootstrapDiff } from '../results/intervals';

export interface BootstrapOptions {
  resamples: number;
  confidence: number;
  seed: number;
}

/** Per pair: log P(chosen) and 1 / 0.5 / 0 for right / tie / wrong. */
export function perPair(probs: ArrayLike<number>): { logLik: Float64Array; correct: Float64Array } {
  const n = probs.length;
  const logLik = new Float64Array(n);
  const correct = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    logLik[i] = Math.log(Math.max(probs[i], 1e-12));
    correct[i] = probs[i] > 0.5 ? 1 : probs[i] === 0.5 ? 0.5 : 0;
  }
  return { logLik, correct };
}

/** Mean of per-item values with a bootstrap interval over clusters. */
export function clusterMean(clusters: readonly string[], values: ArrayLike<number>, o: BootstrapOptions): Estimate {
  return clusterDiff(clusters, values, new Float64Array(values.length), o);
}

/** mean(a) - mean(b), items paired, with a bootstrap interval over clusters. */
export function clusterDiff(clusters: readonly string[], a: ArrayLike<number>, b: ArrayLike<number>, o: BootstrapOptions): Estimate {
  if (clusters.length === 0) return { value: NaN, lo: NaN, hi: NaN };
  const r = pairedBootstrapDiff(clusterScores(clusters, a), clusterScores(clusters, b), o);
  return { value: r.diff, lo: r.lo, hi: r.hi };
}

export function calibration(probs: ArrayLike<number>, bins: number): { ece: number; bins: CalibrationBin[] } {
  const n = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const acc = new Float64Array(bins);
  for (let i = 0; i < probs.length; i++) {
    const c = Math.max(probs[i], 1 - probs[i]);
    const b = Math.min(bins - 1, Math.floor(((c - 0.5) / 0.5) * bins));
    n[b]++;
    conf[b] += c;
    acc[b] += probs[i] > 0.5 ? 1 : probs[i] === 0.5 ? 0.5 : 0;
  }
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const m = n[b] || 1;
    out.push({ lo: 0.5 + (0.5 * b) / bins, hi: 0.5 + (0.5 * (b + 1)) / bins, n: n[b], confidence: conf[b] / m, accuracy: acc[b] / m });
    ece += (n[b] / Math.max(1, probs.length)) * Math.abs(acc[b] / m - conf[b] / m);
  }
  return { ece, bins: out };
}

export function scoreSet(set: AnalysisSet, personaIds: readonly string[], probs: ArrayLike<number>, bins: number, o: BootstrapOptions): SetFit {
  const { logLik, correct } = perPair(probs);
  const cal = calibration(probs, bins);
  return {
    set,
    pairs: probs.length,
    personas: new Set(personaIds).size,
    logLik: clusterMean(personaIds, logLik, o),
    accuracy: clusterMean(personaIds, correct, o),
    ece: cal.ece,
    bins: cal.bins,
  };
}
