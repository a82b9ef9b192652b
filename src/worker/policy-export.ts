// A policy run record as CSV: one row per (arm, persona set) with the truth judge's numbers
// (win rate against the base and the Bayes-best answer with their intervals, per-persona spread,
// utilities, gap closed, KL to the base, invalid answers), then one row per skewed axis and group
// (minority or majority: the conditional arm's win rate over the marginal one).
import type { PolicyRecord } from '../protocol/policy';

const HEADER = [
  'run_id', 'run_name', 'seed', 'backend', 'row', 'arm', 'method', 'conditioning', 'training', 'set', 'judge', 'personas', 'answers',
  'vs_base', 'vs_base_lo', 'vs_base_hi', 'vs_bayes', 'vs_bayes_lo', 'vs_bayes_hi', 'per_persona_median', 'per_persona_q1', 'per_persona_q3',
  'utility', 'base_utility', 'best_utility', 'gap_closed', 'kl_to_base', 'invalid_rate', 'base_invalid_rate',
  'skew_axis', 'minority_pole', 'minority_share', 'group', 'conditional', 'marginal', 'cond_vs_marginal', 'cond_vs_marginal_lo', 'cond_vs_marginal_hi', 'n',
] as const;

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function policyCsv(records: readonly PolicyRecord[]): string {
  const lines = [HEADER.join(',')];
  for (const r of records) {
    const run = { run_id: r.id, run_name: r.name, seed: r.seed, backend: r.backend.kind };
    for (const a of r.arms) {
      for (const e of a.eval) {
        const row: Partial<Record<(typeof HEADER)[number], string | number>> = {
          ...run, row: 'arm', arm: a.label, method: a.method, conditioning: a.conditioning, training: a.training, set: e.set, judge: 'truth',
          personas: e.personas, answers: e.answers,
          vs_base: e.vsBase.rate, vs_base_lo: e.vsBase.lo, vs_base_hi: e.vsBase.hi,
          vs_bayes: e.vsBayes.rate, vs_bayes_lo: e.vsBayes.lo, vs_bayes_hi: e.vsBayes.hi,
          per_persona_median: e.perPersonaVsBase.median, per_persona_q1: e.perPersonaVsBase.q1, per_persona_q3: e.perPersonaVsBase.q3,
          utility: e.meanUtility, base_utility: e.baseUtility, best_utility: e.bestUtility, gap_closed: e.gapClosed, kl_to_base: e.kl,
          invalid_rate: e.invalidRate, base_invalid_rate: e.baseInvalidRate,
        };
        lines.push(HEADER.map((h) => cell(row[h])).join(','));
      }
    }
    for (const s of r.skew) {
      for (const group of ['minority', 'majority'] as const) {
        const g = s[group];
        const row: Partial<Record<(typeof HEADER)[number], string | number>> = {
          ...run, row: 'skew', judge: 'truth', skew_axis: s.axis, minority_pole: s.minorityPole, minority_share: s.minorityShare, group,
          conditional: s.conditional, marginal: s.marginal, cond_vs_marginal: g.rate, cond_vs_marginal_lo: g.lo, cond_vs_marginal_hi: g.hi, n: g.n,
        };
        lines.push(HEADER.map((h) => cell(row[h])).join(','));
      }
    }
  }
  return lines.join('\n') + '\n';
}
