// The pooled votes of blind rating, turned into numbers: win rate with a Wilson interval for every
// pair of systems, Bradley–Terry strengths with seeded bootstrap intervals, and the agreement of the
// humans with a judge (percent and Cohen's κ). Pure functions over plain outcomes, so every number
// can be checked by hand (tests/unit/rating-aggregate.test.ts).
import { quantile, wilson } from '../results/intervals';
import { Rng } from '../../util/rng';

/** One vote as a comparison: system `a` against system `b`; score 1 = a won, 0 = b won, 0.5 = tie
 * (a tie and "both bad" both count half: neither answer was preferred). */
export interface Comparison {
  a: string;
  b: string;
  score: 0 | 0.5 | 1;
}

export interface PairRate {
  a: string;
  b: string;
  n: number;
  winsA: number;
  ties: number;
  winsB: number;
  rate: number;
  lo: number;
  hi: number;
}

/** Every pair of systems met in `cs`, named in sorted order (a < b), with a's win rate. */
export function pairRates(cs: readonly Comparison[], confidence = 0.95): PairRate[] {
  const byPair = new Map<string, PairRate>();
  for (const c of cs) {
    if (c.a === c.b) continue; // one system against itself says nothing about the pair
    const [a, b, s] = c.a < c.b ? [c.a, c.b, c.score] : [c.b, c.a, 1 - c.score];
    const key = `${a}\u0000${b}`;
    const r = byPair.get(key) ?? { a, b, n: 0, winsA: 0, ties: 0, winsB: 0, rate: NaN, lo: 0, hi: 1 };
    r.n++;
    if (s === 1) r.winsA++;
    else if (s === 0) r.winsB++;
    else r.ties++;
    byPair.set(key, r);
  }
  return [...byPair.values()]
    .map((r) => {
      const won = r.winsA + r.ties / 2;
      const [lo, hi] = wilson(won, r.n, confidence);
      return { ...r, rate: won / r.n, lo, hi };
    })
    .sort((x, y) => (x.a === y.a ? (x.b < y.b ? -1 : 1) : x.a < y.a ? -1 : 1));
}

export interface BradleyTerryOptions {
  /** Virtual ties added to every pair that met (each counts half a win each way): keeps a system
   * that never lost finite. 0 gives the plain maximum-likelihood fit. */
  prior?: number;
  maxIterations?: number;
  tolerance?: number;
}

export class BradleyTerryError extends Error {
  override name = 'BradleyTerryError';
}

/**
 * Bradley–Terry log-strengths θ (P(i beats j) = σ(θi − θj)), centred to mean 0, by Hunter's (2004)
 * minorization–maximization updates p_i ← W_i / Σ_j n_ij / (p_i + p_j), ties counted half a win to
 * each side. `systems` fixes the order of the result; a system with no comparison gets NaN.
 */
export function bradleyTerry(cs: readonly Comparison[], systems: readonly string[], o: BradleyTerryOptions = {}): number[] {
  const prior = o.prior ?? 1;
  const maxIt = o.maxIterations ?? 10_000;
  const tol = o.tolerance ?? 1e-12;
  const k = systems.length;
  const index = new Map(systems.map((s, i) => [s, i]));
  const wins = new Float64Array(k);
  const n = Array.from({ length: k }, () => new Float64Array(k));
  for (const c of cs) {
    const i = index.get(c.a);
    const j = index.get(c.b);
    if (i === undefined || j === undefined) throw new BradleyTerryError(`A comparison names '${i === undefined ? c.a : c.b}', which is not among the systems.`);
    if (i === j) continue;
    n[i][j]++;
    n[j][i]++;
    wins[i] += c.score;
    wins[j] += 1 - c.score;
  }
  if (prior > 0) {
    for (let i = 0; i < k; i++)
      for (let j = i + 1; j < k; j++)
        if (n[i][j] > 0) {
          n[i][j] += prior;
          n[j][i] += prior;
          wins[i] += prior / 2;
          wins[j] += prior / 2;
        }
  }
  const seen = systems.map((_, i) => n[i].some((v) => v > 0));
  const p = new Float64Array(k).fill(1);
  for (let it = 0; it < maxIt; it++) {
    let change = 0;
    const next = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      if (!seen[i]) continue;
      let denom = 0;
      for (let j = 0; j < k; j++) if (j !== i && n[i][j] > 0) denom += n[i][j] / (p[i] + p[j]);
      // A system that never won has strength 0 in the plain fit; keep it tiny but positive.
      next[i] = Math.max(wins[i] / denom, 1e-300);
    }
    // Normalise by the geometric mean, so θ = log p has mean 0 over the systems seen.
    let logSum = 0;
    let m = 0;
    for (let i = 0; i < k; i++) {
      if (!seen[i]) continue;
      logSum += Math.log(next[i]);
      m++;
    }
    const g = Math.exp(logSum / Math.max(m, 1));
    for (let i = 0; i < k; i++) {
      if (!seen[i]) continue;
      next[i] /= g;
      change = Math.max(change, Math.abs(Math.log(next[i]) - Math.log(p[i])));
      p[i] = next[i];
    }
    if (change < tol) break;
  }
  return systems.map((_, i) => (seen[i] ? Math.log(p[i]) : NaN));
}

export interface Strength {
  system: string;
  theta: number;
  lo: number;
  hi: number;
  comparisons: number;
}

/**
 * Bradley–Terry strengths with percentile bootstrap intervals: `resamples` draws of the votes with
 * replacement (seeded), each refit; a system absent from a draw is left out of that draw's quantiles.
 */
export function strengths(cs: readonly Comparison[], o: BradleyTerryOptions & { resamples?: number; seed?: number; confidence?: number } = {}): Strength[] {
  const systems = [...new Set(cs.flatMap((c) => [c.a, c.b]))].sort();
  const theta = bradleyTerry(cs, systems, o);
  const resamples = o.resamples ?? 200;
  const alpha = (1 - (o.confidence ?? 0.95)) / 2;
  const rng = new Rng(o.seed ?? 1).fork('bradley-terry-bootstrap');
  const draws: number[][] = systems.map(() => []);
  for (let r = 0; r < resamples && cs.length > 0; r++) {
    const sample = Array.from({ length: cs.length }, () => cs[rng.int(cs.length)]);
    const t = bradleyTerry(sample, systems, o);
    t.forEach((v, i) => {
      if (Number.isFinite(v)) draws[i].push(v);
    });
  }
  return systems.map((system, i) => {
    const d = draws[i].sort((x, y) => x - y);
    return {
      system,
      theta: theta[i],
      lo: quantile(d, alpha),
      hi: quantile(d, 1 - alpha),
      comparisons: cs.filter((c) => c.a !== c.b && (c.a === system || c.b === system)).length,
    };
  });
}

export type Verdict = 'A' | 'B' | 'tie';

export interface Agreement {
  n: number;
  agree: number;
  percent: number;
  kappa: number;
}

/**
 * How often two raters give the same verdict, and Cohen's κ = (p_o − p_e) / (1 − p_e), p_e from each
 * rater's own label frequencies. κ is NaN when p_e = 1 (both always say the same one label).
 */
export function agreement(pairs: ReadonlyArray<readonly [Verdict, Verdict]>): Agreement {
  const n = pairs.length;
  if (n === 0) return { n: 0, agree: 0, percent: NaN, kappa: NaN };
  const labels: Verdict[] = ['A', 'B', 'tie'];
  const agree = pairs.filter(([x, y]) => x === y).length;
  const po = agree / n;
  let pe = 0;
  for (const l of labels) pe += (pairs.filter(([x]) => x === l).length / n) * (pairs.filter(([, y]) => y === l).length / n);
  return { n, agree, percent: po, kappa: pe === 1 ? NaN : (po - pe) / (1 - pe) };
}
