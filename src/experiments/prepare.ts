// From a spec's data section to what every arm of a run shares: the dataset, its honest split,
// the three test pair sets (seeded samples when capped), the training pairs, and for the
// built-in dataset the Bayes and persona-blind ceilings of each test set (OpinionQA: the noise
// ceiling given the group sizes and the pooled predictor), and each test set's conflicting pairs.
import {
  buildPairSets,
  ceilings,
  conflictFlags,
  groupSizeCeiling,
  marginalBest,
  pooledPreference,
  generateBuiltin,
  isBuiltin,
  splitDataset,
  type Dataset,
  type DataSplit,
  type PairSetName,
  type PairSets,
  type PersonaRecord,
  type PreferencePair,
} from '../data';
import { fnv1a32 } from '../util/hash';
import { Rng } from '../util/rng';
import type { DataSummary } from '../protocol/record';
import type { DataSpec, ExperimentSpec, TrainSpec } from '../protocol/spec';

export const TEST_SETS: readonly PairSetName[] = ['generic', 'cross', 'unseen'];

/** Loads a dataset a spec names; the environment decides what it can reach (Node files, IndexedDB). */
export type DataLoader = (data: DataSpec, signal?: AbortSignal) => Promise<Dataset>;

export class DataUnavailableError extends Error {
  override name = 'DataUnavailableError';
}

/** The loader for data every environment has: the built-in generator. */
export async function loadBuiltin(data: DataSpec): Promise<Dataset> {
  if (data.source !== 'builtin') throw new DataUnavailableError(`This environment cannot load data from "${data.source}"`);
  return generateBuiltin({ seed: data.seed, personas: data.personas, questionsPerPersona: data.questionsPerPersona, noise: data.noise, skew: data.skew });
}

export interface Prepared {
  dataset: Dataset;
  personas: ReadonlyMap<string, PersonaRecord>;
  split: DataSplit;
  sets: PairSets;
  test: Record<PairSetName, PreferencePair[]>;
  /** Per test set, 1 for each pair on which the persona's preference differs from the pooled one. */
  conflict: Record<PairSetName, Uint8Array>;
  summary: DataSummary;
}

/**
 * A seeded sample of at most `max` pairs. Cross pairs come in mirrored twins (p: A vs B and
 * p': B vs A); twins are kept or dropped together so a persona-blind model still scores exactly
 * 50% on the sample.
 */
export function samplePairs(pairs: readonly PreferencePair[], max: number | null, seed: number, label: string): PreferencePair[] {
  if (max === null || pairs.length <= max) return pairs.slice();
  const groups = new Map<string, PreferencePair[]>();
  for (const p of pairs) {
    const key = p.otherPersonaId === undefined ? p.id : `${p.questionId}|${[p.personaId, p.otherPersonaId].sort().join('|')}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(p);
  }
  const order = new Rng(fnv1a32(`${seed}:sample:${label}`)).shuffle([...groups.values()]);
  const out: PreferencePair[] = [];
  for (const g of order) {
    if (out.length + g.length > max) continue;
    out.push(...g);
    if (out.length >= max) break;
  }
  return out;
}

export function trainingPairs(prep: Prepared, t: TrainSpec, seed: number): PreferencePair[] {
  const { generic, cross } = prep.sets.train;
  const all = t.pairs === 'generic' ? generic : t.pairs === 'cross' ? cross : [...generic, ...cross];
  return samplePairs(all, t.maxPairs, seed, 'train');
}

export async function prepare(spec: ExperimentSpec, load: DataLoader, signal?: AbortSignal): Promise<Prepared> {
  const dataset = await load(spec.data, signal);
  if (dataset.rows.length === 0) throw new DataUnavailableError(`The dataset ${dataset.name} has no rows`);
  const split = splitDataset(dataset, { seed: spec.seed, unseenFraction: spec.split.unseenFraction, testFraction: spec.split.testFraction });
  const sets = buildPairSets(dataset, split, { seed: spec.seed, crossPartners: spec.split.crossPartners });
  const test = {} as Record<PairSetName, PreferencePair[]>;
  for (const name of TEST_SETS) test[name] = samplePairs(sets.test[name], spec.eval.maxPairsPerSet, spec.seed, name);
  const summary: DataSummary = {
    id: dataset.id,
    name: dataset.name,
    personas: dataset.personas.length,
    rows: dataset.rows.length,
    seenPersonas: split.seenPersonas.length,
    unseenPersonas: split.unseenPersonas.length,
    pairs: { train: sets.train.generic.length + sets.train.cross.length, generic: test.generic.length, cross: test.cross.length, unseen: test.unseen.length },
  };
  const m = isBuiltin(dataset) ? marginalBest(dataset) : undefined;
  if (isBuiltin(dataset)) {
    summary.ceilings = {};
    summary.ceilingBasis = 'planted truth';
    for (const name of TEST_SETS) {
      const c = ceilings(dataset, test[name], m!);
      summary.ceilings[name] = { bayes: c.bayesRealized, blind: c.blind };
    }
  } else if (dataset.source === 'opinionqa') {
    summary.ceilings = {};
    summary.ceilingBasis = 'group sizes';
    for (const name of TEST_SETS) {
      const c = groupSizeCeiling(dataset, test[name]);
      summary.ceilings[name] = { bayes: c.noise, blind: c.pooled };
    }
    summary.notes = ['OpinionQA generic pairs: options the group and the pooled respondents rank alike (solvable without the persona, as PERSONA\'s are); conflicting pairs: the persona\'s preference differs from the pooled one.'];
  }
  const pooled = pooledPreference(dataset, m);
  const conflict = {} as Record<PairSetName, Uint8Array>;
  summary.conflicting = {};
  for (const name of TEST_SETS) {
    conflict[name] = conflictFlags(test[name], pooled);
    summary.conflicting[name] = conflict[name].reduce((n, f) => n + f, 0);
  }
  return { dataset, personas: new Map(dataset.personas.map((p) => [p.id, p])), split, sets, test, conflict, summary };
}
