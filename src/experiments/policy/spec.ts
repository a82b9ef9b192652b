// parsePolicySpec: the one door into the policy runner. It checks an untrusted JSON value (a file,
// a URL, a preset) against the Stage-2 spec schema with Stage 1's helpers (spec/schema.ts: defaults,
// unknown fields refused, errors naming the field path) and Stage 1's data, split and subset
// schemas, then what spans fields: unique labels, methods this build cannot run yet, and training
// arms on an ONNX base (onnxruntime-web runs inference only), which fail here with a field error
// instead of running as something else.
import { AXIS_IDS, QUESTIONS, type AxisId } from '../../data';
import { LORA_TARGETS } from '../../models/lora/config';
import { DPO_LOSSES, POLICY_SPEC_VERSION, type PolicyLoraTarget, type PolicyArmSpec, type PolicyMethodKind, type PolicySpec } from '../../protocol/policy';
import { arr, bool, fieldPath, literal, nullable, num, obj, refine, SpecError, str, variants, type Schema } from '../spec/schema';
import { builtinDataSchema, splitSchema, subsetSchema } from '../spec/validate';
import { encodeWith, decodeWith } from '../spec/url';

/** Methods the runner executes today; the others validate their fields, then stop here. */
export const IMPLEMENTED_POLICY_METHODS: readonly PolicyMethodKind[] = ['dpo', 'iterative-dpo', 'ppo', 'rloo', 'directional-dpo', 'roleplay', 'few-shot'];

const dpoFields = {
  loss: literal(DPO_LOSSES, { default: 'sigmoid' }),
  beta: num({ gt: 0, max: 100, default: 0.1 }),
  labelSmoothing: num({ min: 0, lt: 1, default: 0 }),
  simpoGamma: num({ min: -100, max: 100, default: 0.5 }),
  rpoAlpha: num({ min: 0, max: 100, default: 1 }),
};
const runId = str({ minLength: 1, maxLength: 200 });
const armLabel = str({ minLength: 1, maxLength: 80 });
/** Online methods' sampling temperature (TRL's `temperature`; PPO and RLOO also read their log-probs at it). */
const onlineTemperature = num({ gt: 0, max: 2, default: 1 });

const method = variants<PolicyArmSpec['method']>(
  'kind',
  {
    dpo: obj({ kind: literal(['dpo']), ...dpoFields, pairs: literal(['generic', 'cross', 'both', 'pole'], { default: 'both' }) }),
    'iterative-dpo': obj({
      kind: literal(['iterative-dpo']),
      ...dpoFields,
      iterations: num({ integer: true, min: 1, max: 100, default: 3 }),
      samplesPerPrompt: num({ integer: true, min: 2, max: 64, default: 4 }),
      // The samples' temperature (TRL's OnlineDPOConfig.temperature). DPO reads plain log-probs, so
      // only the sampling changes.
      temperature: onlineTemperature,
      rewardModelRun: nullable(runId, { default: null }),
      start: nullable(armLabel, { default: null }),
    }),
    ppo: obj({
      kind: literal(['ppo']),
      rewardModelRun: nullable(runId, { default: null }),
      start: nullable(armLabel, { default: null }),
      temperature: onlineTemperature,
      klCoef: num({ min: 0, max: 10, default: 0.05 }),
      gamma: num({ min: 0, max: 1, default: 1 }),
      lam: num({ min: 0, max: 1, default: 0.95 }),
      cliprange: num({ gt: 0, max: 1, default: 0.2 }),
      cliprangeValue: num({ gt: 0, max: 10, default: 0.2 }),
      vfCoef: num({ min: 0, max: 10, default: 0.1 }),
      // 'shared': the value loss trains the policy's trunk too (TRL's first PPO, a value head on
      // the policy); 'detached': the value head reads the hidden states without gradient, so only
      // the policy loss moves the policy (TRL's current PPOTrainer keeps a separate value model).
      valueHead: literal(['shared', 'detached'], { default: 'shared' }),
      // The value head's AdamW rate (null: train.lr). Adam moves a weight about its rate per update,
      // so at a policy's rate (1e-4…1e-3) a head that starts at V = 0 cannot reach returns near the
      // reward model's raw scores (tens) within a run's few dozen updates.
      valueLr: nullable(num({ gt: 0, max: 1 }), { default: null }),
      // Where V starts: 'zero' (V = 0 everywhere), or 'mean-score': the head's bias set to the mean
      // score of the run's first rollout before its values are read, so V starts at the level of the
      // returns (TRL starts its value model from the reward model for the same reason).
      valueInit: literal(['zero', 'mean-score'], { default: 'zero' }),
      ppoEpochs: num({ integer: true, min: 1, max: 16, default: 4 }),
      rolloutsPerStep: num({ integer: true, min: 1, max: 4096, default: 64 }),
    }),
    rloo: obj({
      kind: literal(['rloo']),
      rewardModelRun: nullable(runId, { default: null }),
      start: nullable(armLabel, { default: null }),
      temperature: onlineTemperature,
      klCoef: num({ min: 0, max: 10, default: 0.05 }),
      k: num({ integer: true, min: 2, max: 64, default: 4 }),
      cliprange: num({ gt: 0, max: 1, default: 0.2 }),
      rolloutsPerStep: num({ integer: true, min: 1, max: 4096, default: 64 }),
    }),
    'directional-dpo': obj({
      kind: literal(['directional-dpo']),
      ...dpoFields,
      rewardModel: nullable(str({ minLength: 1, maxLength: 4096 }), { default: null }),
      dims: num({ integer: true, min: 1, max: 64, default: 10 }),
      minMargin: num({ min: 0, max: 100, default: 0.5 }),
      placement: literal(['system', 'question', 'embedding'], { default: 'system' }),
      conditionLr: nullable(num({ gt: 0, max: 1 }), { default: null }),
      conditionRead: literal(['everywhere', 'gated', 'gated-head'], { default: 'everywhere' }),
      gateBias: num({ min: -10, max: 10, default: 0 }),
      gateParts: num({ integer: true, min: 1, max: 8, default: 1 }),
      squash: num({ min: 0, max: 20, default: 0 }),
      guidance: num({ min: 0, max: 20, default: 0 }),
      plausibility: num({ min: 0, lt: 1, default: 0 }),
      conditionDropout: num({ min: 0, max: 0.9, default: 0 }),
      directions: literal(['sphere', 'axis'], { default: 'sphere' }),
      personas: bool({ default: false }),
      personaStrength: num({ gt: 0, max: 10, default: 1.3 }),
      readerPairs: literal(['generic+cross', 'generic+cross+pole'], { default: 'generic+cross' }),
      readers: num({ integer: true, min: 1, max: 16, default: 1 }),
      judge: obj(
        {
          questions: num({ integer: true, min: 1, max: QUESTIONS.length - 1, default: 14 }),
          baseDirections: num({ integer: true, min: 1, max: 64, default: 3 }),
          magnitude: num({ gt: 0, lt: 1, default: 0.7 }),
          sweepAngles: num({ integer: true, min: 3, max: 72, default: 8 }),
          // Two different planted axes: the plane the Pareto sweep turns the direction in.
          sweepObjectives: arr(literal(AXIS_IDS), { min: 2, max: 2, unique: true, default: ['formality', 'detail'] }) as unknown as Schema<[AxisId, AxisId]>,
          fitQuestions: num({ integer: true, min: 0, max: QUESTIONS.length - 1, default: 0 }),
        },
        { optional: true },
      ),
    }),
    roleplay: obj({ kind: literal(['roleplay']) }),
    'few-shot': obj({ kind: literal(['few-shot']), k: num({ integer: true, min: 1, max: 8, default: 2 }) }),
  },
  { default: { kind: 'dpo' } },
);

// Every target the engine adapts is one a spec may name (a compile-time check).
const LORA_TARGET_NAMES: readonly PolicyLoraTarget[] = LORA_TARGETS;

const train = obj(
  {
    mode: literal(['full', 'lora'], { default: 'full' }),
    lora: obj(
      {
        rank: num({ integer: true, min: 1, max: 256, default: 8 }),
        alpha: num({ gt: 0, max: 1024, default: 16 }),
        // Dropout draws from the adapter's own stream, which a checkpoint does not hold: resume is
        // bit-identical only without it, so it defaults to 0.
        dropout: num({ min: 0, lt: 1, default: 0 }),
        targets: arr(literal(LORA_TARGET_NAMES), { min: 1, unique: true, default: ['q_proj', 'v_proj'] }) as unknown as Schema<PolicyLoraTarget[]>,
      },
      { optional: true },
    ),
    epochs: num({ gt: 0, max: 1000, default: 2 }),
    batchSize: num({ integer: true, min: 1, max: 1024, default: 16 }),
    lr: num({ gt: 0, max: 10, default: 5e-4 }),
    weightDecay: num({ min: 0, max: 10, default: 0 }),
    clipNorm: nullable(num({ gt: 0, max: 1e6 }), { default: 1 }),
    maxPairs: nullable(num({ integer: true, min: 1, max: 10_000_000 }), { default: 2000 }),
    maxLength: num({ integer: true, min: 16, max: 8192, default: 512 }),
    logEvery: num({ integer: true, min: 1, max: 1_000_000, default: 10 }),
  },
  { optional: true },
);

const arm: Schema<PolicyArmSpec> = obj({
  label: armLabel,
  conditioning: subsetSchema,
  method,
  train,
});

const base = variants<PolicySpec['base']>(
  'kind',
  {
    'builtin-policy': obj({ kind: literal(['builtin-policy']) }),
    builtin: obj({ kind: literal(['builtin']) }),
    path: obj({ kind: literal(['path']), path: str({ minLength: 1, maxLength: 4096 }) }),
    // An ONNX decoder (onnxruntime-web): inference only, so crossChecks refuses any arm that trains.
    onnx: obj({ kind: literal(['onnx']), onnx: str({ minLength: 1, maxLength: 4096 }) }),
  },
  { default: { kind: 'builtin-policy' } },
);

const evalSchema = obj(
  {
    seenPersonas: num({ integer: true, min: 1, max: 100_000, default: 40 }),
    unseenPersonas: num({ integer: true, min: 1, max: 100_000, default: 40 }),
    questionsPerPersona: num({ integer: true, min: 1, max: 70, default: 4 }),
    samples: num({ integer: true, min: 1, max: 64, default: 1 }),
    temperature: num({ min: 0, max: 10, default: 0 }),
    maxNewTokens: num({ integer: true, min: 1, max: 4096, default: 160 }),
    batchSize: num({ integer: true, min: 1, max: 1024, default: 16 }),
    confidence: num({ min: 0.5, lt: 1, default: 0.95 }),
    rewardModelRun: nullable(runId, { default: null }),
  },
  { optional: true },
);

/** The built-in world (the only one with a truth judge); absent means its defaults. */
const builtinWorld: Schema<PolicySpec['data']> = {
  describe: builtinDataSchema.describe,
  parse: (v, path) => {
    const source = v && typeof v === 'object' ? (v as Record<string, unknown>).source : undefined;
    if (source !== undefined && source !== 'builtin') throw new SpecError(fieldPath(path, 'source'), `must be "builtin", got ${JSON.stringify(source)}: a policy is judged by the built-in world's planted truth`);
    return builtinDataSchema.parse(v === undefined ? { source: 'builtin' } : v, path) as PolicySpec['data'];
  },
};

const spec = obj({
  version: literal([POLICY_SPEC_VERSION] as const, { default: POLICY_SPEC_VERSION }),
  name: str({ default: 'policy', minLength: 1, maxLength: 120 }),
  seed: num({ integer: true, min: 0, max: 0xffffffff, default: 1 }),
  base,
  data: builtinWorld,
  split: splitSchema,
  arms: arr(arm, { min: 1, max: 32 }),
  eval: evalSchema,
});

/** Methods that train nothing: the only ones an ONNX base (onnxruntime-web, inference only) can serve. */
export const UNTRAINED_POLICY_METHODS: readonly PolicyMethodKind[] = ['roleplay', 'few-shot'];

export class PolicyMethodUnavailableError extends SpecError {
  override name = 'PolicyMethodUnavailableError';
}

function crossChecks(s: PolicySpec): void {
  const labels = new Set<string>();
  s.arms.forEach((a, i) => {
    if (labels.has(a.label)) throw new SpecError(`arms[${i}].label`, `repeats ${JSON.stringify(a.label)}: every arm needs its own label`);
    labels.add(a.label);
    if (!IMPLEMENTED_POLICY_METHODS.includes(a.method.kind)) {
      throw new PolicyMethodUnavailableError(
        `arms[${i}].method.kind`,
        `"${a.method.kind}" is not implemented in this build yet (runnable: ${IMPLEMENTED_POLICY_METHODS.map((m) => `"${m}"`).join(', ')}); the run would not be what its spec says, so it does not start`,
      );
    }
    if (a.method.kind === 'directional-dpo' && a.method.conditionDropout > 0 && a.method.placement !== 'embedding') {
      throw new SpecError(`arms[${i}].method.conditionDropout`, `zeroes the learned direction vector of some pairs, which only the placement "embedding" has (this arm's is "${a.method.placement}"): set conditionDropout to 0 or placement to "embedding"`);
    }
    if (a.method.kind === 'directional-dpo' && a.method.conditionRead !== 'everywhere' && a.method.placement !== 'embedding') {
      throw new SpecError(`arms[${i}].method.conditionRead`, `gates the learned direction vector's parts, which only the placement "embedding" has (this arm's is "${a.method.placement}"): set conditionRead to "everywhere" or placement to "embedding"`);
    }
    if (a.method.kind === 'directional-dpo' && a.method.gateBias !== 0 && a.method.conditionRead === 'everywhere') {
      throw new SpecError(`arms[${i}].method.gateBias`, `starts the gates of conditionRead "gated" or "gated-head" (this arm's is "everywhere"): set gateBias to 0 or conditionRead to a gated read`);
    }
    if (a.method.kind === 'directional-dpo' && a.method.gateParts !== 1 && a.method.conditionRead === 'everywhere') {
      throw new SpecError(`arms[${i}].method.gateParts`, `sets the parts per objective of conditionRead "gated" or "gated-head" (this arm's is "everywhere"): set gateParts to 1 or conditionRead to a gated read`);
    }
    if (a.method.kind === 'directional-dpo' && a.method.squash > 0 && a.method.placement !== 'embedding') {
      throw new SpecError(`arms[${i}].method.squash`, `squashes the components the learned direction vector reads, which only the placement "embedding" has (this arm's is "${a.method.placement}"): set squash to 0 or placement to "embedding"`);
    }
    if (a.method.kind === 'directional-dpo' && a.method.squash > 0 && a.method.personas) {
      throw new SpecError(`arms[${i}].method.squash`, `is not read by the persona writing and the online arms that continue it yet (they scale each persona's direction to personaStrength): set squash to 0 or personas to false`);
    }
    if (a.method.kind === 'directional-dpo' && a.method.conditionRead !== 'everywhere' && a.method.personas) {
      throw new SpecError(`arms[${i}].method.conditionRead`, `"${a.method.conditionRead}" is not read by the persona writing and the online arms that continue it yet: set conditionRead to "everywhere" or personas to false`);
    }
    if (a.method.kind === 'directional-dpo' && a.method.guidance > 0 && a.method.placement !== 'embedding') {
      throw new SpecError(`arms[${i}].method.guidance`, `guides the learned direction vector, which only the placement "embedding" has (this arm's is "${a.method.placement}"): set guidance to 0 or placement to "embedding"`);
    }
    if (a.method.kind === 'directional-dpo' && a.method.plausibility > 0 && a.method.placement !== 'embedding') {
      throw new SpecError(`arms[${i}].method.plausibility`, `constrains the policy's writing against the policy without its learned direction vector, which only the placement "embedding" has (this arm's is "${a.method.placement}"): set plausibility to 0 or placement to "embedding"`);
    }
    if (a.method.kind === 'directional-dpo' && a.method.personas && a.method.placement !== 'embedding') {
      throw new SpecError(`arms[${i}].method.personas`, `writes each persona's answers at the direction a reward model reads in it, through the learned direction vector, which only the placement "embedding" has (this arm's is "${a.method.placement}"): set personas to false or placement to "embedding"`);
    }
    if ((a.method.kind === 'iterative-dpo' || a.method.kind === 'ppo' || a.method.kind === 'rloo') && a.method.start !== null) startChecks(s, i);
    if (s.base.kind === 'onnx' && !UNTRAINED_POLICY_METHODS.includes(a.method.kind)) {
      throw new SpecError(
        `arms[${i}].method.kind`,
        `"${a.method.kind}" trains the policy, and the base is an ONNX model (base.kind "onnx"), which onnxruntime-web runs for inference only: with an ONNX base every arm must be ${UNTRAINED_POLICY_METHODS.map((m) => `"${m}"`).join(' or ')}; to train, give a safetensors checkpoint (base.kind "path", "builtin" or "builtin-policy")`,
      );
    }
  });
}

/** The arm an online arm starts from (method.start), checked: an earlier directional arm writing for personas, trained the same way. */
export function startArmOf(s: PolicySpec, i: number): { index: number; arm: PolicyArmSpec } | null {
  const m = s.arms[i].method;
  if ((m.kind !== 'iterative-dpo' && m.kind !== 'ppo' && m.kind !== 'rloo') || m.start === null) return null;
  const index = s.arms.findIndex((x) => x.label === m.start);
  return index < 0 ? null : { index, arm: s.arms[index] };
}

function startChecks(s: PolicySpec, i: number): void {
  const a = s.arms[i];
  const m = a.method as Extract<PolicyArmSpec['method'], { start: string | null }>;
  const at = `arms[${i}].method.start`;
  const index = s.arms.findIndex((x) => x.label === m.start);
  if (index < 0) throw new SpecError(at, `names no arm of this spec (${JSON.stringify(m.start)}); labels: ${s.arms.map((x) => JSON.stringify(x.label)).join(', ')}`);
  if (index >= i) throw new SpecError(at, `names arm ${index} (${JSON.stringify(m.start)}), which runs after this one: an online arm can start only from an earlier arm`);
  const st = s.arms[index];
  if (st.method.kind !== 'directional-dpo' || st.method.placement !== 'embedding' || !st.method.personas) {
    throw new SpecError(at, `names ${JSON.stringify(m.start)}, a ${st.method.kind} arm: an online arm starts from a directional arm with placement "embedding" that writes for personas (method.personas true)`);
  }
  if (a.train.mode !== st.train.mode) throw new SpecError(`arms[${i}].train.mode`, `is "${a.train.mode}" and its start ${JSON.stringify(m.start)} trained "${st.train.mode}": an online arm continues its start's parameters, so the modes must agree`);
  if (a.train.mode === 'lora' && JSON.stringify(a.train.lora) !== JSON.stringify(st.train.lora)) {
    throw new SpecError(`arms[${i}].train.lora`, `differs from its start ${JSON.stringify(m.start)}'s (${JSON.stringify(st.train.lora)}): the online arm trains a copy of that adapter, so rank, alpha, dropout and targets must agree`);
  }
}

/** Validates and completes a policy spec; throws SpecError naming the field. */
export function parsePolicySpec(value: unknown): PolicySpec {
  return refine(spec, (s) => crossChecks(s as PolicySpec)).parse(value, '') as PolicySpec;
}

export function parsePolicySpecJson(text: string): PolicySpec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SpecError('', `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parsePolicySpec(value);
}

/** A policy spec as URL text (fields at their defaults dropped) and back, validated. */
export function encodePolicySpec(s: PolicySpec): string {
  return encodeWith(parsePolicySpec, s);
}

export function decodePolicySpec(param: string): PolicySpec {
  return decodeWith(parsePolicySpecJson, param);
}
