// What every analysis works on: the dataset, the honest split (seen/unseen personas, train/test
// questions), the three pair sets, a validation carve-out of the training questions (for choosing
// d and K, never the test set), and the pairs as indices into one response feature matrix.
import { crossPairs, consensusPairs, genericPairs, labelerFor, splitDataset, buildPairSets, type Dataset, type DataSplit, type PairSets, type PersonaRecord } from '../../data';
import { fnv1a32 } from '../../util/hash';
import type { AnalysisSet, AnalysisSpec } from '../../protocol/analysis';
import type { BootstrapOptions } from './metrics';
import { concatPairs, indexPairs, responseMatrix, responseSpace, type PairIndex, type ResponseSpace } from './pair-index';
import type { Csr } from './sparse';

export interface AnalysisContext {
  ds: Dataset;
  spec: AnalysisSpec;
  split: DataSplit;
  sets: PairSets;
  personaIndex: Map<string, number>;
  seen: PersonaRecord[];
  X: Csr;
  /** The response encoder and the text of each row of X. */
  space: ResponseSpace;
  /** Training pairs (generic + cross) of seen personas' training questions. */
  train: PairIndex;
  /** The same minus the validation questions, and cross pairs on those questions. */
  fit: PairIndex;
  validation: PairIndex;
  test: Record<AnalysisSet, PairIndex>;
  boot(label: string): BootstrapOptions;
}

export function analysisContext(ds: Dataset, spec: AnalysisSpec): AnalysisContext {
  const s = spec.split;
  const split = splitDataset(ds, { seed: spec.seed, unseenFraction: s.unseenFraction, testFraction: s.testFraction });
  const sets = buildPairSets(ds, split, { seed: spec.seed, crossPartners: s.crossPartners });
  // Validation: a share of each seen persona's training questions, split the same honest way.
  const inner = splitDataset({ ...ds, rows: split.train }, { seed: spec.seed + 1, unseenFraction: 0, testFraction: s.validationFraction });
  const labeler = labelerFor(ds);
  const generic = ds.source === 'opinionqa' ? consensusPairs : genericPairs;
  const pairOpts = { seed: spec.seed, crossPartners: s.crossPartners };
  const fitPairs = [...generic(inner.train, labeler), ...crossPairs(inner.train, labeler, pairOpts)];
  const valPairs = crossPairs(inner.test, labeler, pairOpts);

  const personaIndex = new Map(ds.personas.map((p, i) => [p.id, i]));
  const space = responseSpace([...sets.train.generic, ...sets.train.cross]);
  const train = concatPairs(indexPairs(sets.train.generic, personaIndex, space), indexPairs(sets.train.cross, personaIndex, space));
  const fit = indexPairs(fitPairs, personaIndex, space);
  const validation = indexPairs(valPairs, personaIndex, space);
  const test = {
    generic: indexPairs(sets.test.generic, personaIndex, space),
    cross: indexPairs(sets.test.cross, personaIndex, space),
    unseen: indexPairs(sets.test.unseen, personaIndex, space),
  };
  const seenSet = new Set(split.seenPersonas);
  return {
    ds,
    spec,
    split,
    sets,
    personaIndex,
    seen: ds.personas.filter((p) => seenSet.has(p.id)),
    X: responseMatrix(space),
    space,
    train,
    fit,
    validation,
    test,
    boot: (label) => ({ resamples: spec.bootstrap.resamples, confidence: spec.bootstrap.confidence, seed: (spec.seed * 1000003 + fnv1a32(label)) >>> 0 }),
  };
}
