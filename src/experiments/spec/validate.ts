// parseSpec: the one door into the runner. It checks an untrusted JSON value (a file, a URL, the
// builder's form) against the spec schema, fills defaults for absent fields, refuses unknown
// fields and out-of-range values naming the field path, then checks what spans fields (unique
// labels, a method's model, a sweep's arm).
import { ATTRIBUTE_KEYS, SUBSET_PRESETS, type AttributeKey } from '../../data';
import { arr, literal, nullable, num, obj, refine, SpecError, str, variants, type Schema } from './schema';
import { skewSchema } from './skew';
import { SPEC_VERSION, type ArmSpec, type ExperimentSpec, type ModelSpec, type SubsetSpec } from '../../protocol/spec';

const attribute = literal<AttributeKey>(ATTRIBUTE_KEYS);

/** An attribute subset (default all); Stage 2's conditioning reuses it. */
export const subsetSchema: Schema<SubsetSpec> = variants<SubsetSpec>(
  'kind',
  {
    preset: obj({ kind: literal(['preset']), name: literal(SUBSET_PRESETS) }),
    'leave-one-out': obj({ kind: literal(['leave-one-out']), attribute }),
    custom: obj({ kind: literal(['custom']), attributes: arr(attribute, { min: 1, unique: true }) }),
  },
  { default: { kind: 'preset', name: 'all' } },
);

const method = variants<ArmSpec['method']>('kind', {
  'reward-model': obj({ kind: literal(['reward-model']), loss: literal(['bradley-terry', 'pairwise'], { default: 'bradley-terry' }) }),
  roleplay: obj({ kind: literal(['roleplay']), readout: literal(['choice', 'likelihood'], { default: 'choice' }) }),
  'few-shot': obj({
    kind: literal(['few-shot']),
    k: literal([0, 1, 2, 4, 8] as const, { default: 2 }),
    readout: literal(['choice', 'likelihood'], { default: 'choice' }),
  }),
});

/** A string field with no default: absent stays absent. */
function optionalText(maxLength: number): Schema<string | undefined> {
  const inner = str({ minLength: 1, maxLength });
  return { describe: inner.describe, parse: (v, path) => (v === undefined ? undefined : inner.parse(v, path)) };
}

const model: Schema<ModelSpec> = variants<ModelSpec>(
  'kind',
  {
    features: obj({
      kind: literal(['features']),
      dims: num({ integer: true, min: 1, max: 256, default: 16 }),
      minPersonas: num({ integer: true, min: 1, max: 1_000_000, default: 5 }),
    }),
    lm: obj({
      kind: literal(['lm']),
      source: literal(['builtin', 'onnx'], { default: 'builtin' }),
      onnx: optionalText(4096),
      mode: literal(['frozen', 'lora', 'full'], { default: 'frozen' }),
      input: literal(['joint', 'separate'], { default: 'separate' }),
      dims: num({ integer: true, min: 1, max: 256, default: 16 }),
      lora: obj(
        {
          rank: num({ integer: true, min: 1, max: 256, default: 8 }),
          alpha: num({ gt: 0, max: 1024, default: 16 }),
          dropout: num({ min: 0, lt: 1, default: 0 }),
        },
        { optional: true },
      ),
      maxTokens: num({ integer: true, min: 16, max: 8192, default: 512 }),
      readout: literal(['last', 'mean', 'likelihood', 'pole-odds'], { default: 'last' }),
      answer: literal(['plain', 'turn', 'style'], { default: 'plain' }),
    }),
  },
  { default: { kind: 'features' } },
);

const train = obj(
  {
    epochs: num({ gt: 0, max: 1000, default: 8 }),
    batchSize: num({ integer: true, min: 1, max: 4096, default: 128 }),
    lr: num({ gt: 0, max: 10, default: 0.01 }),
    weightDecay: num({ min: 0, max: 10, default: 0.01 }),
    clipNorm: nullable(num({ gt: 0, max: 1e6 }), { default: 1 }),
    pairs: literal(['both', 'cross', 'generic'], { default: 'both' }),
    maxPairs: nullable(num({ integer: true, min: 1, max: 10_000_000 }), { default: null }),
    logEvery: num({ integer: true, min: 1, max: 1_000_000, default: 20 }),
  },
  { optional: true },
);

const arm: Schema<ArmSpec> = obj({
  label: str({ minLength: 1, maxLength: 80 }),
  method,
  subset: subsetSchema,
  model,
  train,
});

/** The built-in world's settings (Stage 2 specs use it alone: the truth judge needs the world). */
export const builtinDataSchema = obj({
  source: literal(['builtin']),
  seed: num({ integer: true, min: 0, max: 0xffffffff, default: 1 }),
  personas: num({ integer: true, min: 4, max: 100_000, default: 1000 }),
  questionsPerPersona: num({ integer: true, min: 1, max: 70, default: 24 }),
  noise: num({ min: 0, max: 10, default: 0.8 }),
  skew: skewSchema,
});

const data = variants<ExperimentSpec['data']>(
  'source',
  {
    builtin: builtinDataSchema,
    stored: obj({ source: literal(['stored']), datasetId: str({ minLength: 1 }) }),
    // minGroupSize: OpinionQA groups with fewer respondents on a question are left out of it.
    path: obj({ source: literal(['path']), path: str({ minLength: 1, maxLength: 4096 }), format: literal(['persona', 'opinionqa']), minGroupSize: num({ integer: true, min: 1, max: 1_000_000, default: 30 }) }),
  },
  { default: { source: 'builtin' } },
);

/** The honest split (unseen personas, held-out questions, cross-persona partners). */
export const splitSchema = obj(
  {
    unseenFraction: num({ gt: 0, lt: 1, default: 0.2 }),
    testFraction: num({ gt: 0, lt: 1, default: 0.25 }),
    crossPartners: num({ integer: true, min: 1, max: 16, default: 1 }),
  },
  { optional: true },
);

const sweep = nullable(
  variants<NonNullable<ExperimentSpec['sweep']>>('kind', {
    subsets: obj({ kind: literal(['subsets']), arm: num({ integer: true, min: 0, default: 0 }), subsets: arr(subsetSchema, { min: 1, max: 64, unique: true }) }),
    'leave-one-out': obj({
      kind: literal(['leave-one-out']),
      arm: num({ integer: true, min: 0, default: 0 }),
      attributes: nullable(arr(attribute, { min: 1, unique: true }), { default: null }),
    }),
  }),
  { default: null },
);

const spec = obj({
  version: literal([SPEC_VERSION] as const, { default: SPEC_VERSION }),
  name: str({ default: 'experiment', minLength: 1, maxLength: 120 }),
  seed: num({ integer: true, min: 0, max: 0xffffffff, default: 1 }),
  data,
  split: splitSchema,
  eval: obj(
    {
      maxPairsPerSet: nullable(num({ integer: true, min: 10, max: 10_000_000 }), { default: null }),
      bootstrap: num({ integer: true, min: 100, max: 100_000, default: 1000 }),
      confidence: num({ min: 0.5, lt: 1, default: 0.95 }),
    },
    { optional: true },
  ),
  arms: arr(arm, { min: 1, max: 64 }),
  sweep,
});

const LM_METHODS = new Set(['roleplay', 'few-shot']);

/** An ONNX model runs inference only (onnxruntime-web has no training): roleplay and few-shot. */
function onnxChecks(a: ArmSpec, i: number): void {
  if (a.model.kind !== 'lm') return;
  const m = a.model;
  if (m.source !== 'onnx') {
    if (m.onnx !== undefined) throw new SpecError(`arms[${i}].model.onnx`, 'names an ONNX model, so source must be "onnx" (or drop the field)');
    return;
  }
  if (m.onnx === undefined) throw new SpecError(`arms[${i}].model.onnx`, 'is required when source is "onnx": a folder with onnx/model.onnx (CLI), a URL or hf:owner/name (CLI), or a model-cache entry "onnx:NAME" (app)');
  if (a.method.kind === 'reward-model') {
    throw new SpecError(`arms[${i}].model.source`, '"onnx" runs inference only (onnxruntime-web cannot train): an ONNX model serves roleplay and few-shot arms; a reward model needs source "builtin"');
  }
  if (m.mode !== 'frozen') throw new SpecError(`arms[${i}].model.mode`, `must be "frozen" for an ONNX model (onnxruntime-web cannot train), got "${m.mode}"`);
}

function crossChecks(s: ExperimentSpec): void {
  const labels = new Set<string>();
  s.arms.forEach((a, i) => {
    if (labels.has(a.label)) throw new SpecError(`arms[${i}].label`, `repeats ${JSON.stringify(a.label)}: every arm needs its own label`);
    labels.add(a.label);
    if (LM_METHODS.has(a.method.kind) && a.model.kind !== 'lm') {
      throw new SpecError(`arms[${i}].model.kind`, `must be "lm" for ${a.method.kind} (it reads a language model's answer), got "${a.model.kind}"`);
    }
    if (a.model.kind === 'lm') onnxChecks(a, i);
    if (a.model.kind === 'lm' && a.method.kind === 'reward-model' && a.model.input === 'separate' && a.model.mode !== 'frozen') {
      throw new SpecError(`arms[${i}].model.mode`, 'the separate-input reward model trains on frozen features only; use input "joint" for LoRA or full finetuning');
    }
    if (a.model.kind === 'lm' && a.model.readout !== 'last' && !(a.method.kind === 'reward-model' && a.method.loss === 'bradley-terry' && a.model.input === 'joint')) {
      throw new SpecError(`arms[${i}].model.readout`, `"${a.model.readout}" reads the joint Bradley–Terry reward model (method reward-model, loss bradley-terry, input "joint"); leave it "last" here`);
    }
    if (a.model.kind === 'lm' && a.model.readout === 'pole-odds' && a.model.answer !== 'style') {
      throw new SpecError(`arms[${i}].model.answer`, 'must be "style" for the readout "pole-odds" (it compares the style line with its mirror, every pole reversed)');
    }
    if (a.model.kind === 'lm' && a.model.answer !== 'plain' && !(a.method.kind === 'reward-model' && a.model.input === 'joint' && a.method.loss === 'bradley-terry')) {
      throw new SpecError(`arms[${i}].model.answer`, `"${a.model.answer}" writes the response in the joint Bradley–Terry reward model's input (roleplay and few-shot read the built-in model's turn already); leave it "plain" here`);
    }
  });
  if (s.sweep) {
    if (s.sweep.arm >= s.arms.length) throw new SpecError('sweep.arm', `must name one of the ${s.arms.length} arms (0..${s.arms.length - 1}), got ${s.sweep.arm}`);
    const swept = s.arms[s.sweep.arm];
    if (s.sweep.kind === 'leave-one-out' && !(swept.subset.kind === 'preset' && swept.subset.name === 'all')) {
      throw new SpecError(`arms[${s.sweep.arm}].subset`, 'a leave-one-out sweep compares against all attributes: give the swept arm subset {kind: "preset", name: "all"}');
    }
  }
}

/** Validates and completes a spec; throws SpecError naming the field. */
export function parseSpec(value: unknown): ExperimentSpec {
  const out = refine(spec, (s) => crossChecks(s as ExperimentSpec)).parse(value, '') as ExperimentSpec;
  return out;
}

/** Like parseSpec, but for JSON text (a file or a URL parameter). */
export function parseSpecJson(text: string): ExperimentSpec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SpecError('', `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseSpec(value);
}
