// Export of run records: CSV (one row per run x arm x test set, or per run x attribute for
// importance), and JSON (the records themselves). Fields are quoted RFC 4180 style, and cells that
// a spreadsheet would run as a formula are prefixed with a quote.
import type { RunRecord } from '../../protocol/record';

export const ACCURACY_COLUMNS = [
  'run_id',
  'run_name',
  'seed',
  'backend',
  'adapter',
  'app_version',
  'arm',
  'method',
  'subset',
  'model',
  'set',
  'n',
  'correct',
  'accuracy',
  'ci_low',
  'ci_high',
  'bayes_ceiling',
  'blind_ceiling',
] as const;

export const IMPORTANCE_COLUMNS = ['run_id', 'run_name', 'seed', 'set', 'attribute', 'role', 'drop', 'ci_low', 'ci_high', 'sim_low', 'sim_high'] as const;

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(6)) : v;
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(columns: readonly string[], rows: Array<Record<string, string | number | null | undefined>>): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

export function accuracyCsv(records: readonly RunRecord[]): string {
  const rows: Array<Record<string, string | number | null | undefined>> = [];
  for (const r of records) {
    for (const arm of r.arms) {
      for (const s of arm.sets) {
        const ceiling = r.data?.ceilings?.[s.set];
        rows.push({
          run_id: r.id,
          run_name: r.name,
          seed: r.seed,
          backend: r.backend.kind,
          adapter: r.backend.adapter,
          app_version: r.appVersion,
          arm: arm.label,
          method: arm.method,
          subset: arm.subset,
          model: arm.model,
          set: s.set,
          n: s.n,
          correct: s.correct,
          accuracy: s.accuracy,
          ci_low: s.lo,
          ci_high: s.hi,
          bayes_ceiling: ceiling?.bayes,
          blind_ceiling: ceiling?.blind,
        });
      }
    }
  }
  return csv(ACCURACY_COLUMNS, rows);
}

export function importanceCsv(records: readonly RunRecord[]): string {
  const rows = records.flatMap((r) =>
    r.importance.map((i) => ({ run_id: r.id, run_name: r.name, seed: r.seed, set: i.set, attribute: i.attribute, role: i.role, drop: i.drop, ci_low: i.lo, ci_high: i.hi, sim_low: i.simLo, sim_high: i.simHi })),
  );
  return csv(IMPORTANCE_COLUMNS, rows);
}

export function recordsJson(records: readonly RunRecord[]): string {
  return JSON.stringify(records, null, 2) + '\n';
}
