// The noise ceiling of OpinionQA pair sets, given the group sizes. A group is a sample of people:
// a pair's label ("group g prefers a to b") is the order of g's observed shares, which is the
// order of g's true shares only with some probability, higher for larger groups and wider gaps.
// A predictor that knows every group's true shares is right on a pair exactly when the observed
// order is the true one, so its expected accuracy on a set is the mean over pairs of
//   P(true order = observed order | counts).
// With a Dirichlet(1/2) posterior over g's K option shares given its counts (n respondents), the
// gap d = p_a - p_b has mean m_a - m_b and variance (m_a + m_b - (m_a - m_b)^2) / (n + K/2 + 1),
// where m_i = (c_i + 1/2) / (n + K/2); a normal approximation gives P = Phi(mean / sd).
// Beside it: the pooled predictor (persona-blind: picks what all respondents preferred).
import type { PreferencePair } from './pairs';
import type { Dataset, DataRow } from './schema';

export interface GroupCeiling {
  pairs: number;
  /** Expected accuracy of a predictor that knows each group's true shares. */
  noise: number;
  /** Accuracy of the pooled (persona-blind) predictor against the labels. */
  pooled: number;
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** P(the true order of a and b is the observed one) for a group of n with shares sa > sb of K options. */
export function orderProbability(sa: number, sb: number, n: number, k: number): number {
  const a = n + k / 2;
  const ma = (sa * n + 0.5) / a;
  const mb = (sb * n + 0.5) / a;
  const d = ma - mb;
  const v = (ma + mb - d * d) / (a + 1);
  return v > 0 ? normalCdf(Math.abs(d) / Math.sqrt(v)) : 1;
}

export function groupSizeCeiling(ds: Dataset, pairs: readonly PreferencePair[]): GroupCeiling {
  const rows = new Map<string, DataRow>();
  for (const r of ds.rows) rows.set(`${r.personaId}|${r.questionId}`, r);
  let noise = 0;
  let pooled = 0;
  let counted = 0;
  for (const p of pairs) {
    const row = rows.get(`${p.personaId}|${p.questionId}`);
    const a = row?.options?.find((o) => o.text === p.chosen);
    const b = row?.options?.find((o) => o.text === p.rejected);
    if (!row?.groupSize || !a || !b) continue;
    counted++;
    noise += orderProbability(a.share, b.share, row.groupSize, row.options!.length);
    pooled += a.pooled === undefined || b.pooled === undefined || a.pooled === b.pooled ? 0.5 : a.pooled > b.pooled ? 1 : 0;
  }
  const d = Math.max(counted, 1);
  return { pairs: counted, noise: noise / d, pooled: pooled / d };
}
