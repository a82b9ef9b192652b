// The preference pairs of a lab run as TRL rows, arm by arm: the same split, pair sets, seeded
// samples and persona ids the lab's runner uses (experiments: prepare() and trainingPairs();
// policies: splitDataset/buildPairSets and the arm's DPO pairs), in TRL's conversational
// preference format — `prompt` the persona as the system message (none for an empty subset) and
// the question as the user's turn, `chosen` / `rejected` one assistant message each.
import { buildPairSets, renderPersonaBlock, splitDataset, type Dataset, type PreferencePair } from '../../../data';
import type { PolicyArmSpec, PolicySpec } from '../../../protocol/policy';
import type { ExpandedArm, ExperimentSpec, SubsetSpec } from '../../../protocol/spec';
import { samplePairs, trainingPairs, type Prepared } from '../../prepare';
import { resolveSubset } from '../../spec/expand';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One row of the exported dataset (JSONL and Parquet alike). */
export interface TrlRow {
  prompt: ChatMessage[];
  chosen: ChatMessage[];
  rejected: ChatMessage[];
  pair_id: string;
  /** The lab's pair set: generic, cross (seen personas) or unseen. */
  set: string;
  persona_id: string;
  question_id: string;
  strength: number;
}

/** The three files of an arm's dataset: what it trains on, the seen-persona test pairs, the unseen personas'. */
export const DATA_SPLITS = ['train', 'test', 'unseen'] as const;
export type DataSplitName = (typeof DATA_SPLITS)[number];

function toRows(pairs: readonly PreferencePair[], personas: ReadonlyMap<string, Dataset['personas'][number]>, subset: SubsetSpec): TrlRow[] {
  const keys = resolveSubset(subset).keys;
  return pairs.map((p) => {
    const persona = personas.get(p.personaId);
    if (!persona) throw new RangeError(`pair ${p.id} names persona ${p.personaId}, which the dataset does not have`);
    const system = keys.length ? renderPersonaBlock(persona.attributes, keys) : '';
    return {
      prompt: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: p.instruction }],
      chosen: [{ role: 'assistant', content: p.chosen }],
      rejected: [{ role: 'assistant', content: p.rejected }],
      pair_id: p.id,
      set: p.set,
      persona_id: p.personaId,
      question_id: p.questionId,
      strength: p.strength,
    };
  });
}

/** A reward-model arm of an experiment: its training pairs and the run's test sets, under its subset. */
export function experimentArmRows(prep: Prepared, spec: ExperimentSpec, arm: ExpandedArm): Record<DataSplitName, TrlRow[]> {
  const personas = new Map(prep.dataset.personas.map((p) => [p.id, p]));
  return {
    train: toRows(trainingPairs(prep, arm.train, spec.seed), personas, arm.subset),
    test: toRows([...prep.test.generic, ...prep.test.cross], personas, arm.subset),
    unseen: toRows(prep.test.unseen, personas, arm.subset),
  };
}

/** The split and pair sets a policy run builds from its world (src/experiments/policy/runner.ts). */
export function policyPairSets(spec: PolicySpec, dataset: Dataset): ReturnType<typeof buildPairSets> {
  const split = splitDataset(dataset, { seed: spec.seed, unseenFraction: spec.split.unseenFraction, testFraction: spec.split.testFraction });
  return buildPairSets(dataset, split, { seed: spec.seed, crossPartners: spec.split.crossPartners });
}

/** A DPO arm of a policy run: the pairs it trains on (its pair kind, capped as the runner caps them) and the test sets. */
export function policyArmRows(spec: PolicySpec, dataset: Dataset, sets: ReturnType<typeof buildPairSets>, arm: PolicyArmSpec): Record<DataSplitName, TrlRow[]> {
  const personas = new Map(dataset.personas.map((p) => [p.id, p]));
  const kind = arm.method.kind === 'dpo' ? arm.method.pairs : 'both';
  const { generic, cross } = sets.train;
  const all = kind === 'generic' ? generic : kind === 'cross' ? cross : [...generic, ...cross];
  return {
    train: toRows(samplePairs(all, arm.train.maxPairs, spec.seed, 'train'), personas, arm.conditioning),
    test: toRows([...sets.test.generic, ...sets.test.cross], personas, arm.conditioning),
    unseen: toRows(sets.test.unseen, personas, arm.conditioning),
  };
}
