// `data stats`: the numbers that say what a dataset can and cannot show. Personas, rows, pairs
// per set, the conflict rate, the conflicting pairs of each test set (persona's preference differs
// from the pooled one), attributes missing from persona blocks, for the built-in data the Bayes
// ceilings and the persona-blind oracle on each test set, and for OpinionQA the noise ceiling
// given the group sizes and the pooled predictor on each test set.
import { ceilings, marginalBest, type CeilingReport } from './builtin/bayes';
import { conflictRate, type ConflictStats } from './conflict';
import { groupSizeCeiling, type GroupCeiling } from './noise-ceiling';
import { conflictFlags, pooledPreference } from './pooled';
import { isBuiltin } from './labels';
import { buildPairSets, type PairOptions } from './pairs';
import { ATTRIBUTE_KEYS, type Dataset } from './schema';
import { splitDataset, type SplitOptions } from './splits';

export interface DatasetStats {
  id: string;
  name: string;
  source: Dataset['source'];
  personas: number;
  rows: number;
  questions: number;
  /** Attributes missing from at least one persona block: how many personas lack each. */
  missingAttributes: Record<string, number>;
  split: { seed: number; seenPersonas: number; unseenPersonas: number; trainRows: number; testRows: number; unseenRows: number };
  pairs: { train: { generic: number; cross: number }; test: { generic: number; cross: number; unseen: number } };
  conflict: ConflictStats;
  /** Test pairs on which the persona's preference differs from the pooled one, per set. */
  conflicting: { generic: number; cross: number; unseen: number };
  /** OpinionQA only: per test set, the noise ceiling given the group sizes and the pooled predictor. */
  groupCeilings?: { generic: GroupCeiling; cross: GroupCeiling; unseen: GroupCeiling };
  /** Built-in data only: noise level and the ceilings of the three test sets. */
  builtin?: { seed: number; noise: number; generic: CeilingReport; cross: CeilingReport; unseen: CeilingReport };
}

export function datasetStats(ds: Dataset, split: Partial<SplitOptions> = {}, pairOptions: Partial<PairOptions> = {}): DatasetStats {
  const s = splitDataset(ds, split);
  const sets = buildPairSets(ds, s, pairOptions);
  const missingAttributes: Record<string, number> = {};
  for (const k of ATTRIBUTE_KEYS) {
    const n = ds.personas.filter((p) => p.attributes[k] === undefined).length;
    if (n) missingAttributes[k] = n;
  }
  const stats: DatasetStats = {
    id: ds.id,
    name: ds.name,
    source: ds.source,
    personas: ds.personas.length,
    rows: ds.rows.length,
    questions: new Set(ds.rows.map((r) => r.questionId)).size,
    missingAttributes,
    split: {
      seed: s.options.seed,
      seenPersonas: s.seenPersonas.length,
      unseenPersonas: s.unseenPersonas.length,
      trainRows: s.train.length,
      testRows: s.test.length,
      unseenRows: s.unseen.length,
    },
    pairs: {
      train: { generic: sets.train.generic.length, cross: sets.train.cross.length },
      test: { generic: sets.test.generic.length, cross: sets.test.cross.length, unseen: sets.test.unseen.length },
    },
    conflict: conflictRate(ds),
    conflicting: { generic: 0, cross: 0, unseen: 0 },
  };
  const marginal = isBuiltin(ds) ? marginalBest(ds) : undefined;
  const pooled = pooledPreference(ds, marginal);
  for (const set of ['generic', 'cross', 'unseen'] as const) stats.conflicting[set] = conflictFlags(sets.test[set], pooled).reduce((n, f) => n + f, 0);
  if (ds.source === 'opinionqa') {
    stats.groupCeilings = { generic: groupSizeCeiling(ds, sets.test.generic), cross: groupSizeCeiling(ds, sets.test.cross), unseen: groupSizeCeiling(ds, sets.test.unseen) };
  }
  if (isBuiltin(ds)) {
    const m = marginal!;
    stats.builtin = {
      seed: ds.options.seed,
      noise: ds.options.noise,
      generic: ceilings(ds, sets.test.generic, m),
      cross: ceilings(ds, sets.test.cross, m),
      unseen: ceilings(ds, sets.test.unseen, m),
    };
  }
  return stats;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** The stats as the lines `data stats` prints. */
export function formatStats(st: DatasetStats): string[] {
  const lines = [
    `dataset:        ${st.name} (${st.source}, id ${st.id})`,
    `personas:       ${st.personas}`,
    `rows:           ${st.rows} (${st.questions} questions)`,
    `split:          seed ${st.split.seed}; ${st.split.seenPersonas} seen / ${st.split.unseenPersonas} unseen personas; rows train ${st.split.trainRows}, test ${st.split.testRows}, unseen ${st.split.unseenRows}`,
    `pairs train:    generic ${st.pairs.train.generic}, cross ${st.pairs.train.cross}`,
    `pairs test:     generic ${st.pairs.test.generic}, cross ${st.pairs.test.cross}, unseen ${st.pairs.test.unseen}`,
    `conflict rate:  ${pct(st.conflict.rate)} (${st.conflict.conflicting} of ${st.conflict.triples} question/response pairs; mean minority share ${pct(st.conflict.meanMinorityShare)})`,
  ];
  const c = st.conflicting;
  lines.push(`conflicting:    test pairs where the persona's preference differs from the pooled one: generic ${c.generic}, cross ${c.cross}, unseen ${c.unseen}`);
  if (st.groupCeilings) {
    const g = st.groupCeilings;
    lines.push('ceilings:       set       pairs   noise ceiling (true group shares, given group sizes)   pooled predictor');
    for (const [name, x] of [['generic', g.generic], ['cross', g.cross], ['unseen', g.unseen]] as const) {
      lines.push(`                ${name.padEnd(8)} ${String(x.pairs).padStart(6)}   ${pct(x.noise).padStart(52)}   ${pct(x.pooled).padStart(16)}`);
    }
  }
  const missing = Object.entries(st.missingAttributes);
  if (missing.length) lines.push(`missing attrs:  ${missing.map(([k, n]) => `${k} (${n})`).join(', ')}`);
  if (st.builtin) {
    const b = st.builtin;
    lines.push(`noise:          sigma ${b.noise} (seed ${b.seed})`);
    lines.push('ceilings:       set       pairs   Bayes expected  Bayes realized  persona-blind oracle');
    for (const [name, c] of [['generic', b.generic], ['cross', b.cross], ['unseen', b.unseen]] as const) {
      lines.push(`                ${name.padEnd(8)} ${String(c.pairs).padStart(6)}   ${pct(c.bayesExpected).padStart(14)}  ${pct(c.bayesRealized).padStart(14)}  ${pct(c.blind).padStart(20)}`);
    }
  }
  return lines;
}
