// Named presets: ready-made specs for the lab's standard questions. Each is plain JSON that
// parseSpec completes with defaults; tests check they all validate. `where` says which
// environments can run it (a path on disk only exists for the CLI).
import type { ExperimentSpec } from '../../protocol/spec';
import { parseSpec } from '../spec/validate';

export interface Preset {
  name: string;
  title: string;
  description: string;
  where: 'anywhere' | 'cli';
  spec: unknown;
}

/** The reward model the science presets share (hyper-parameters chosen on world seed 7, see docs/experiments.md). */
const RM_TRAIN = { epochs: 4, batchSize: 128, lr: 0.001, weightDecay: 0.01, clipNorm: 1, logEvery: 25 };
/** Four cross-persona partners per row: four times the cross pairs to learn from and test on.
 * The Data view's statistics use this split too, so its numbers are the presets' numbers. */
export const SCIENCE_SPLIT = { crossPartners: 4 };
const SPLIT = SCIENCE_SPLIT;
/** Small data needs a larger step and more passes. */
const SMALL_TRAIN = { ...RM_TRAIN, lr: 0.01 };
const features = { kind: 'features', dims: 16 };
const conditional = { label: 'conditional', method: { kind: 'reward-model', loss: 'bradley-terry' }, subset: { kind: 'preset', name: 'all' }, model: features, train: RM_TRAIN };
const marginal = { label: 'marginal', method: { kind: 'reward-model', loss: 'bradley-terry' }, subset: { kind: 'preset', name: 'none' }, model: features, train: RM_TRAIN };

export const PRESETS: readonly Preset[] = [
  {
    name: 'conditional-vs-marginal',
    title: 'Conditional vs marginal reward model',
    description:
      'A Bradley–Terry reward model that sees the persona against the same model without it, on the built-in dataset (1,000 personas). The marginal one must sit at 50% on cross-persona pairs.',
    where: 'anywhere',
    spec: { name: 'conditional-vs-marginal', seed: 1, data: { source: 'builtin' }, split: SPLIT, arms: [conditional, marginal] },
  },
  {
    name: 'losses',
    title: 'Bradley–Terry vs pairwise preference model',
    description: 'The two reward-model losses, each conditional and marginal, on the built-in dataset.',
    where: 'anywhere',
    spec: {
      name: 'losses',
      seed: 1,
      data: { source: 'builtin' },
      split: SPLIT,
      arms: [
        conditional,
        { ...conditional, label: 'conditional (pairwise)', method: { kind: 'reward-model', loss: 'pairwise' } },
        marginal,
        { ...marginal, label: 'marginal (pairwise)', method: { kind: 'reward-model', loss: 'pairwise' } },
      ],
    },
  },
  {
    name: 'subsets',
    title: 'Which user information works best',
    description: 'The conditional reward model given no attributes, demographics, psychographics, or all of them.',
    where: 'anywhere',
    spec: {
      name: 'subsets',
      seed: 1,
      data: { source: 'builtin' },
      split: SPLIT,
      arms: [{ ...conditional, label: 'reward model' }],
      sweep: {
        kind: 'subsets',
        arm: 0,
        subsets: [
          { kind: 'preset', name: 'none' },
          { kind: 'preset', name: 'demographics' },
          { kind: 'preset', name: 'psychographics' },
        ],
      },
    },
  },
  {
    name: 'leave-one-out',
    title: 'Leave-one-out attribute importance',
    description: 'The conditional reward model with all attributes, then with each of the 33 left out; importance is the accuracy drop, with a bootstrap interval over personas.',
    where: 'anywhere',
    spec: { name: 'leave-one-out', seed: 1, data: { source: 'builtin' }, split: SPLIT, arms: [conditional], sweep: { kind: 'leave-one-out', arm: 0, attributes: null } },
  },
  {
    name: 'baselines',
    title: 'Roleplay and few-shot on the built-in model',
    description:
      'No training: the built-in language model reads the persona and is asked (A/B choice tokens over both response orders, or each response\'s likelihood: for this model, of the whole turn it writes, its style line and then the answer), with k = 0, 1, 2, 4, 8 examples of the same persona. 100 pairs per test set: a language model on the CPU is slow.',
    where: 'anywhere',
    spec: {
      name: 'baselines',
      seed: 1,
      data: { source: 'builtin' },
      eval: { maxPairsPerSet: 100 },
      arms: [
        { label: 'roleplay (A/B)', method: { kind: 'roleplay', readout: 'choice' }, model: { kind: 'lm' } },
        { label: 'roleplay (likelihood)', method: { kind: 'roleplay', readout: 'likelihood' }, model: { kind: 'lm' } },
        { label: 'roleplay, no persona (likelihood)', method: { kind: 'roleplay', readout: 'likelihood' }, subset: { kind: 'preset', name: 'none' }, model: { kind: 'lm' } },
        ...[1, 2, 4, 8].map((k) => ({ label: `few-shot k=${k} (likelihood)`, method: { kind: 'few-shot', k, readout: 'likelihood' }, model: { kind: 'lm' } })),
        ...[2, 8].map((k) => ({ label: `few-shot k=${k} (A/B)`, method: { kind: 'few-shot', k, readout: 'choice' }, model: { kind: 'lm' } })),
      ],
    },
  },
  {
    name: 'lm-reward-models',
    title: 'Reward models on the built-in model\'s features',
    description:
      'Can a frozen tiny language model\'s features carry the persona × response interaction? A bilinear head over separately encoded persona and response, conditional and marginal, and the classic joint-input reward model (a sample of 600 training pairs). 300 pairs per test set.',
    where: 'anywhere',
    spec: {
      name: 'lm-reward-models',
      seed: 1,
      data: { source: 'builtin' },
      eval: { maxPairsPerSet: 300 },
      arms: [
        { label: 'LM conditional (separate)', method: { kind: 'reward-model', loss: 'bradley-terry' }, model: { kind: 'lm', input: 'separate' }, train: SMALL_TRAIN },
        { label: 'LM marginal (separate)', method: { kind: 'reward-model', loss: 'bradley-terry' }, subset: { kind: 'preset', name: 'none' }, model: { kind: 'lm', input: 'separate' }, train: SMALL_TRAIN },
        { label: 'LM conditional (joint)', method: { kind: 'reward-model', loss: 'bradley-terry' }, model: { kind: 'lm', input: 'joint' }, train: { ...SMALL_TRAIN, maxPairs: 600, batchSize: 32 } },
      ],
    },
  },
  {
    name: 'lm-reward-joint',
    title: 'The joint-input LM reward model on the built-in model\'s reading',
    description:
      'Persona, question and the built-in model\'s style line for each response (its poles, each after the persona line that drives it) in one sequence; the reward is the line\'s log-likelihood (arm 1) or its log-odds against the mirror line with every pole reversed (arm 2), each times a trained scale, with the whole model finetuned on cross-persona pairs (Bradley–Terry). About 13 minutes on one CPU core of a shared machine (docs/experiments.md). 300 pairs per test set.',
    where: 'anywhere',
    spec: {
      name: 'lm-reward-joint',
      seed: 1,
      data: { source: 'builtin' },
      eval: { maxPairsPerSet: 300 },
      arms: [
        { label: 'LM joint, style likelihood', method: { kind: 'reward-model', loss: 'bradley-terry' }, model: { kind: 'lm', input: 'joint', mode: 'full', readout: 'likelihood', answer: 'style' }, train: { ...SMALL_TRAIN, epochs: 1, batchSize: 16, lr: 0.001, pairs: 'cross', maxPairs: 800, logEvery: 5 } },
        { label: 'LM joint, pole log-odds', method: { kind: 'reward-model', loss: 'bradley-terry' }, model: { kind: 'lm', input: 'joint', mode: 'full', readout: 'pole-odds', answer: 'style' }, train: { ...SMALL_TRAIN, epochs: 1, batchSize: 16, lr: 0.0002, pairs: 'cross', maxPairs: 600, logEvery: 5 } },
      ],
    },
  },
  {
    name: 'opinionqa-sample',
    title: 'OpinionQA sample: groups as personas',
    description: 'Conditional vs marginal reward model on the OpinionQA-format sample (survey groups play personas).',
    where: 'cli',
    spec: {
      name: 'opinionqa-sample',
      seed: 1,
      data: { source: 'path', path: '../shared/fixtures/opinionqa-sample', format: 'opinionqa' },
      split: { unseenFraction: 0.25, testFraction: 0.3, crossPartners: 4 },
      arms: [
        // Each group is one persona: every attribute value is shared by a few groups at most.
        { ...conditional, model: { ...features, minPersonas: 1 }, train: { ...SMALL_TRAIN, epochs: 30, batchSize: 16, logEvery: 5 } },
        { ...marginal, model: { ...features, minPersonas: 1 }, train: { ...SMALL_TRAIN, epochs: 30, batchSize: 16, logEvery: 5 } },
      ],
    },
  },
  {
    name: 'tiny',
    title: 'Tiny demo (seconds)',
    description: 'Conditional vs marginal on a tiny built-in world (48 personas, 6 questions each): a smoke test of the whole pipeline.',
    where: 'anywhere',
    spec: {
      name: 'tiny',
      seed: 1,
      data: { source: 'builtin', personas: 48, questionsPerPersona: 6 },
      eval: { maxPairsPerSet: 200 },
      arms: [
        { ...conditional, train: { ...SMALL_TRAIN, epochs: 3, batchSize: 32, logEvery: 2 } },
        { ...marginal, train: { ...SMALL_TRAIN, epochs: 3, batchSize: 32, logEvery: 2 } },
      ],
    },
  },
];

export class UnknownPresetError extends Error {
  override name = 'UnknownPresetError';
}

export function presetSpec(name: string): ExperimentSpec {
  const p = PRESETS.find((x) => x.name === name);
  if (!p) throw new UnknownPresetError(`No preset "${name}". Presets: ${PRESETS.map((x) => x.name).join(', ')}`);
  return parseSpec(p.spec);
}
