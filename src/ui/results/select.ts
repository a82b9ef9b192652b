// What the Results charts read from run records: rows per arm with accuracies and interval
// deltas per test set, the subset sweep, importance, and per-persona accuracy histograms.
import type { ArmResult, Importance, PairSetName, RunRecord } from '../../protocol/record';

export const SETS: readonly PairSetName[] = ['generic', 'cross', 'unseen'];
export const SET_LABELS: Record<PairSetName, string> = { generic: 'Generic vs tailored', cross: 'Cross-persona', unseen: 'Unseen personas' };

export interface AccuracyRow {
  name: string;
  run: string;
  arm: string;
  [key: string]: string | number | [number, number];
}

/** One row per arm (leave-one-out arms left to the importance chart); `<set>` and `<set>Err`. */
export function accuracyRows(records: readonly RunRecord[]): AccuracyRow[] {
  const rows: AccuracyRow[] = [];
  for (const r of records) {
    for (const a of r.arms) {
      if (a.role === 'leave-one-out' || a.status !== 'done') continue;
      const row: AccuracyRow = { name: records.length > 1 ? `${r.name} · ${a.label}` : a.label, run: r.id, arm: a.label };
      for (const s of a.sets) {
        row[s.set] = s.accuracy;
        row[`${s.set}Err`] = [s.accuracy - s.lo, s.hi - s.accuracy];
      }
      rows.push(row);
    }
  }
  return rows;
}

/** The same rows on each set's conflicting pairs only (where the persona's preference differs from
 * the pooled one; records written before the subset existed have none). */
export function conflictingRows(records: readonly RunRecord[]): AccuracyRow[] {
  const rows: AccuracyRow[] = [];
  for (const r of records) {
    for (const a of r.arms) {
      if (a.role === 'leave-one-out' || a.status !== 'done' || !a.conflicting?.length) continue;
      const row: AccuracyRow = { name: records.length > 1 ? `${r.name} · ${a.label}` : a.label, run: r.id, arm: a.label };
      for (const s of a.conflicting) {
        row[s.set] = s.accuracy;
        row[`${s.set}Err`] = [s.accuracy - s.lo, s.hi - s.accuracy];
      }
      rows.push(row);
    }
  }
  return rows;
}

/** Arms of a subset sweep (the swept arm and its subset variants) with cross and unseen accuracy. */
export function subsetRows(r: RunRecord): AccuracyRow[] {
  if (r.spec.sweep?.kind !== 'subsets') return [];
  const swept = r.spec.sweep.arm;
  return r.arms
    .filter((a, i) => a.status === 'done' && (i === swept || (a.role === 'subset' && a.sweptArm === swept)))
    .map((a) => {
      const row: AccuracyRow = { name: a.subset, run: r.id, arm: a.label };
      for (const s of a.sets) {
        row[s.set] = s.accuracy;
        row[`${s.set}Err`] = [s.accuracy - s.lo, s.hi - s.accuracy];
      }
      return row;
    });
}

export function importanceRows(r: RunRecord, set: PairSetName): Array<Importance & { err: [number, number] }> {
  return r.importance
    .filter((i) => i.set === set)
    .sort((a, b) => b.drop - a.drop)
    .map((i) => ({ ...i, err: [i.drop - i.lo, i.hi - i.drop] }));
}

export const BINS = 10;

/** Personas per accuracy bin (0-10%, ..., 90-100%) on `set`, per arm. */
export function personaHistogram(arms: readonly ArmResult[], set: PairSetName): Array<Record<string, number | string>> {
  const rows = Array.from({ length: BINS }, (_, b) => ({ bin: `${b * 10}–${(b + 1) * 10}%` }) as Record<string, number | string>);
  for (const a of arms) {
    for (const row of rows) row[a.label] = 0;
    for (const p of a.perPersona) {
      if (p.set !== set || p.n === 0) continue;
      const b = Math.min(BINS - 1, Math.floor((p.correct / p.n) * BINS));
      rows[b][a.label] = (rows[b][a.label] as number) + 1;
    }
  }
  return rows;
}

/** Median and interquartile range of per-persona accuracy on `set`. */
export function personaSpread(a: ArmResult, set: PairSetName): { personas: number; median: number; q1: number; q3: number } | null {
  const xs = a.perPersona.filter((p) => p.set === set && p.n > 0).map((p) => p.correct / p.n).sort((x, y) => x - y);
  if (xs.length === 0) return null;
  const q = (f: number) => xs[Math.min(xs.length - 1, Math.floor(f * (xs.length - 1) + 0.5))];
  return { personas: xs.length, median: q(0.5), q1: q(0.25), q3: q(0.75) };
}
