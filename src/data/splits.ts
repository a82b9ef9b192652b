// Honest splits. Personas are split into seen and unseen (unseen personas never appear in
// training); each seen persona's questions are split into train and test. Both are functions of
// (seed, ids) only, not of row order, so the same persona lands on the same side everywhere.
import { contentHash } from './content-hash';
import type { Dataset, DataRow } from './schema';

export interface SplitOptions {
  seed: number;
  /** Share of personas held out entirely (default 0.2). */
  unseenFraction: number;
  /** Share of each seen persona's questions held out for testing (default 0.25). */
  testFraction: number;
}

export const DEFAULT_SPLIT: SplitOptions = { seed: 1, unseenFraction: 0.2, testFraction: 0.25 };

export interface DataSplit {
  options: SplitOptions;
  seenPersonas: string[];
  unseenPersonas: string[];
  /** Seen personas, their training questions. */
  train: DataRow[];
  /** Seen personas, their held-out questions. */
  test: DataRow[];
  /** Every row of the unseen personas. */
  unseen: DataRow[];
}

export class SplitError extends RangeError {
  override name = 'SplitError';
}

function rank(seed: number, key: string): string {
  return contentHash(`${seed >>> 0}|${key}`);
}

/** Seen/unseen personas: the `unseenFraction` of ids ranked lowest by hash(seed, id). */
export function splitPersonas(personaIds: readonly string[], seed: number, unseenFraction: number): { seen: string[]; unseen: string[] } {
  if (!(unseenFraction >= 0 && unseenFraction < 1)) throw new SplitError(`unseenFraction must be in [0, 1), got ${unseenFraction}`);
  const ids = [...new Set(personaIds)];
  const keyed = ids.map((id) => ({ id, k: rank(seed, `persona:${id}`) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const unseen = new Set(keyed.slice(0, Math.round(ids.length * unseenFraction)).map((x) => x.id));
  // Both lists keep the input's order, which callers find easier to read.
  return { seen: ids.filter((id) => !unseen.has(id)), unseen: ids.filter((id) => unseen.has(id)) };
}

export function splitDataset(ds: Dataset, options: Partial<SplitOptions> = {}): DataSplit {
  const o: SplitOptions = { ...DEFAULT_SPLIT, ...options };
  if (!(o.testFraction >= 0 && o.testFraction < 1)) throw new SplitError(`testFraction must be in [0, 1), got ${o.testFraction}`);
  const ids = ds.personas.map((p) => p.id);
  const { seen, unseen } = splitPersonas(ids, o.seed, o.unseenFraction);
  const unseenSet = new Set(unseen);
  const byPersona = new Map<string, DataRow[]>();
  const unseenRows: DataRow[] = [];
  for (const row of ds.rows) {
    if (unseenSet.has(row.personaId)) {
      unseenRows.push(row);
      continue;
    }
    let list = byPersona.get(row.personaId);
    if (!list) byPersona.set(row.personaId, (list = []));
    list.push(row);
  }
  const testSet = new Set<DataRow>();
  for (const [pid, rows] of byPersona) {
    const ordered = rows
      .map((r) => ({ r, k: rank(o.seed, `question:${pid}:${r.questionId}`) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    // At least one test question for every persona with two or more; never all of them.
    let nTest = Math.round(rows.length * o.testFraction);
    if (o.testFraction > 0 && rows.length >= 2) nTest = Math.min(rows.length - 1, Math.max(1, nTest));
    for (let i = 0; i < nTest; i++) testSet.add(ordered[i].r);
  }
  const train: DataRow[] = [];
  const test: DataRow[] = [];
  for (const row of ds.rows) {
    if (unseenSet.has(row.personaId)) continue;
    (testSet.has(row) ? test : train).push(row);
  }
  return { options: o, seenPersonas: seen, unseenPersonas: unseen, train, test, unseen: unseenRows };
}
