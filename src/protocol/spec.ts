// An experiment as plain data: which dataset and split, which methods ("arms") side by side, each
// with its attribute subset, model, training mode and hyper-parameters, an optional sweep that
// expands one arm over attribute subsets, and one seed. Specs are JSON: they travel in URLs, run
// records and CLI files unchanged. Types only (the UI and the worker both read them);
// `parseSpec` (src/experiments/spec/validate.ts) is the only way in and checks every value.

/** One of PERSONA's 33 attribute names (validated against src/data's list by parseSpec). */
export type AttributeName = string;
export type SubsetPresetName = 'none' | 'demographics' | 'psychographics' | 'all';

export const SPEC_VERSION = 1;

export type DataSpec =
  | {
      source: 'builtin';
      /** Seed of the generated world (personas, noise); independent of the experiment seed. */
      seed: number;
      personas: number;
      questionsPerPersona: number;
      noise: number;
      /** Skewed axes (absent: the default world): per axis name, the share of personas on its + pole, in [0.01, 0.99]. */
      skew?: Partial<Record<string, number>>;
    }
  /** A dataset imported in the browser (IndexedDB DatasetStore) by its id. */
  | { source: 'stored'; datasetId: string }
  /** A file or folder on disk (Node / CLI only): a PERSONA file or an OpinionQA release folder
   * (`minGroupSize`: OpinionQA groups under this many respondents on a question are left out of
   * it; default 30). */
  | { source: 'path'; path: string; format: 'persona' | 'opinionqa'; minGroupSize?: number };

export interface SplitSpec {
  /** Share of personas never seen in training (the unseen-persona test set). */
  unseenFraction: number;
  /** Share of each seen persona's questions held out for testing. */
  testFraction: number;
  /** Partners per row when building cross-persona pairs. */
  crossPartners: number;
}

export type SubsetSpec =
  | { kind: 'preset'; name: SubsetPresetName }
  | { kind: 'leave-one-out'; attribute: AttributeName }
  | { kind: 'custom'; attributes: AttributeName[] };

export type MethodSpec =
  /** A reward model trained on preference pairs (conditional, or marginal with subset none). */
  | { kind: 'reward-model'; loss: 'bradley-terry' | 'pairwise' }
  /** "Imagine you are P; which response do you prefer?" with no training. */
  | { kind: 'roleplay'; readout: 'choice' | 'likelihood' }
  /** Roleplay plus k labelled examples of the same persona in the context. */
  | { kind: 'few-shot'; k: 0 | 1 | 2 | 4 | 8; readout: 'choice' | 'likelihood' };

/** One choice of the spec builder's Method field: what it shows and the method spec (with its
 * defaults) it puts in the arm. The worker serves the list (experimentMethods). */
export interface MethodOption {
  value: string;
  label: string;
  method: MethodSpec;
}

export type TrainingMode = 'frozen' | 'lora' | 'full';

export type ModelSpec =
  /**
   * No language model: a persona is a bag of its attribute values (list values split on commas,
   * numbers also as a standardized value), a response a bag of its word n-grams; both are embedded
   * into `dims` dimensions and trained from scratch with the head.
   */
  | {
      kind: 'features';
      dims: number;
      /** Persona features shared by fewer training personas are dropped (they can only be memorized). */
      minPersonas: number;
    }
  /**
   * A language model as the encoder. `input`: 'joint' reads persona, question and response as one
   * sequence and puts a scalar (or choice-token) head on its last token, the classic reward model;
   * 'separate' encodes the persona block and the (question, response) on their own and scores
   * them with a bilinear head of `dims` dimensions.
   */
  | {
      kind: 'lm';
      /**
       * 'builtin': the app's model on our engine. 'onnx': an ONNX decoder (transformers.js layout)
       * run by onnxruntime-web, for roleplay and few-shot only (it cannot train), named by `onnx`.
       */
      source: 'builtin' | 'onnx';
      /** source 'onnx': a folder (CLI), an http(s) URL or hf:owner/name (CLI), or a model-cache entry 'onnx:NAME' (app). */
      onnx?: string;
      mode: TrainingMode;
      input: 'joint' | 'separate';
      dims: number;
      lora: { rank: number; alpha: number; dropout: number };
      /** Longest token sequence kept (the persona block is cut first). */
      maxTokens: number;
      /**
       * The joint Bradley–Terry reward model's readout: 'last', a scalar head on the last token's
       * state; 'mean', the same head on the mean state of the response's tokens; 'likelihood', the
       * response's summed token log-probability under the model (its own LM head), times a trained
       * scale: the model starts from what it already predicts for the persona; 'pole-odds' (with
       * answer 'style'), the style line's log-probability minus that of its mirror (every pole
       * reversed), times a trained scale: each pole's log-odds against the other, 0 for an answer
       * that takes no pole, as the planted utility is a sum of taste x pole.
       */
      readout: 'last' | 'mean' | 'likelihood' | 'pole-odds';
      /**
       * How a response is written after the prompt in the joint input: 'plain', the answer text;
       * 'turn', the built-in model's assistant turn for it (its style line, each pole of the
       * answer after the persona line that drives it, then the answer; docs/builtin-model.md), as
       * its likelihood baselines read it; 'style', that style line alone (the poles the answer
       * takes, known from its response id, not its words). Other models and datasets read the
       * plain answer.
       */
      answer: 'plain' | 'turn' | 'style';
    };

export interface TrainSpec {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** Global gradient-norm clip; null for none. */
  clipNorm: number | null;
  /** Training pairs: both generic and cross-persona pairs (default), or one kind. */
  pairs: 'both' | 'cross' | 'generic';
  /** Cap on training pairs (a seeded sample), null for all. */
  maxPairs: number | null;
  /** Log loss and accuracy every this many steps. */
  logEvery: number;
}

export interface ArmSpec {
  /** Shown in charts and tables; unique within the experiment. */
  label: string;
  method: MethodSpec;
  subset: SubsetSpec;
  model: ModelSpec;
  train: TrainSpec;
}

export type SweepSpec =
  /** Run arm `arm` once per subset. */
  | { kind: 'subsets'; arm: number; subsets: SubsetSpec[] }
  /** Run arm `arm` with all attributes and with each of `attributes` left out (null: all 33). */
  | { kind: 'leave-one-out'; arm: number; attributes: AttributeName[] | null };

export interface EvalSpec {
  /** Cap on test pairs per set (a seeded sample), null for all. */
  maxPairsPerSet: number | null;
  /** Bootstrap resamples (over personas) for importance intervals. */
  bootstrap: number;
  /** Confidence level of every interval. */
  confidence: number;
}

export interface ExperimentSpec {
  version: typeof SPEC_VERSION;
  name: string;
  /** The one seed: split, pair sampling, initialization, batch order, bootstrap. */
  seed: number;
  data: DataSpec;
  split: SplitSpec;
  eval: EvalSpec;
  arms: ArmSpec[];
  sweep: SweepSpec | null;
}

/** An arm after sweep expansion, with its place in the sweep. */
export interface ExpandedArm extends ArmSpec {
  /** 'base' for the listed arms; the sweep's role otherwise. */
  role: 'base' | 'subset' | 'leave-one-out';
  /** For leave-one-out arms: the attribute left out. */
  leftOut?: AttributeName;
  /** For sweep arms: the index of the arm swept. */
  sweptArm?: number;
}

/** A named preset as the UI lists it (the spec complete, defaults filled). */
export interface PresetInfo {
  name: string;
  title: string;
  description: string;
  /** 'cli': it reads files from disk, so only the CLI can run it. */
  where: 'anywhere' | 'cli';
  spec: ExperimentSpec;
}

/** The answer to "is this a valid spec?": the completed spec and its share link, or the field at fault. */
export type SpecCheck = { ok: true; spec: ExperimentSpec; hash: string } | { ok: false; path: string; message: string };

/** Where a run in the app computes: WebGPU when available (auto), or a forced choice. */
export type BackendChoice = 'auto' | 'webgpu' | 'cpu';
