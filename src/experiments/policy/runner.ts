// The Stage-2 runner: executes a policy spec arm by arm, the same code in the Web Worker and in
// Node, with Stage 1's contracts (experiments/runner.ts): progress events with time left, TRL-named
// metrics, the record written after every arm and checkpoint, resume from the record and the
// interrupted arm's checkpoint to the same trajectory (train/loop.ts), and typed stops on cancel,
// non-finite loss, out-of-memory and device loss with the last checkpoint kept. An arm trains its
// policy (offline DPO) or not (roleplay), then the truth judge scores the answers it writes
// against the base policy's on the same prompts (./evaluate.ts). The base is our engine's model,
// or an ONNX decoder (base.kind "onnx") when every arm is untrained (the spec validator refuses
// the rest): its answers and log-probs then come through the inference interface.
import { ConditionEmbedding, conditionRows, conditionVectors } from '../../train/policy/condition-embedding';
import { buildPairSets, polePairs, polesFromId, splitDataset, type BuiltinDataset, type PreferencePair, isBuiltin, minorityOf, poleName, AXIS_IDS } from '../../data';
import { LoraAdapter } from '../../models/lora/adapter';
import type { LlamaModel } from '../../models/llama/model';
import type { ChatMessage } from '../../models/chat-template';
import { POLICY_RECORD_VERSION, type PersonaDirections, type PolicyArmResult, type PolicyArmSpec, type PolicyBaseSpec, type PolicyRecord, type PolicyRunEvent, type PolicySpec, type ReaderPairs } from '../../protocol/policy';
import type { RunPhase } from '../../protocol/events';
import type { Backend } from '../../tensor';
import { CancelledError, trainLoop } from '../../train/loop';
import { judgeByRewardModel, openRewardJudge } from './reward-judge';
import { armShares } from './arm-cost';
import type { PreferenceRow } from '../../train/policy';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import type { LoadedLm, OnnxLoader, PromptLm } from '../lm/loaded';
import { DataUnavailableError, samplePairs, type DataLoader } from '../prepare';
import type { RunStore } from '../runs/store';
import { resolveSubset } from '../spec/expand';
import { DpoPolicyModel, referenceLogps, type ReferenceLogps } from './dpo-model';
import { contextOf, evalItems, judgeSet, sampleKl, skewComparisons, vsBaseScores, writeAnswers, type Answers, type AnswerLm, type EvalItem } from './evaluate';
import { assistantTurn, personaText, promptIds, responseIds, type PolicyLayout } from './prompts';
import { hostCondition, policyFiles, type HostCondition, type PolicyFiles } from './save';
import { RewardModelUnavailableError, type PolicyRewardModel } from './reward';
import type { OnlineArm, OnlineCheckpoint, OnlineStart } from './online';
import { trainIterativeDpo } from './online-dpo';
import { trainOwnRewardModel } from './own-reward';
import { trainPpo } from './ppo';
import type { ValueHead } from './value-head';
import { parsePolicySpec, startArmOf } from './spec';
import { fitKeptMultiObjective, MultiObjectiveScorer, type KeptMultiObjectiveModel } from '../analysis/kept-model';
import { directionalPairs, droppedPair, judgeDirectional, splitQuestions } from './directional';
import { directionalTurns } from './direction';
import { personaDirections, PERSONA_DIRECTION_DEFAULTS, questionDirection, tasteSignAgreement } from './persona-direction';
import { etaSeconds } from '../runs/eta';

export interface PolicyRunnerEnv {
  backend: Backend;
  adapter: string | null;
  store: RunStore<PolicyRecord>;
  loadData: DataLoader;
  /** A fresh copy of the base policy the spec names, on `backend` (full finetuning changes its weights). */
  loadBase(base: PolicyBaseSpec, backend: Backend): Promise<LoadedLm>;
  /** An ONNX base (base.kind "onnx": its `onnx` location); without it such a spec stops on base.onnx. */
  loadOnnx?: OnnxLoader;
  appVersion: string;
  /** Throws DeviceLostError when the GPU is gone (webgpu); checked between steps. */
  assertDevice?(): void;
  /** Steps between checkpoints (default 50). */
  checkpointEvery?: number;
  /** Keeps a trained arm's policy (full weights or LoRA adapter); returns where it went. */
  savePolicy?(runId: string, arm: number, label: string, saved: { kind: 'full' | 'lora'; files: PolicyFiles; objectives?: string[] }): Promise<string>;
  /** A kept multi-objective reward model (a directional arm's method.rewardModel: a file in Node); throws RewardModelUnavailableError. */
  loadMultiObjectiveModel?(ref: string, signal?: AbortSignal): Promise<KeptMultiObjectiveModel>;
  /** A Stage-1 conditional reward model kept by run `runId` (throws RewardModelUnavailableError). */
  loadRewardModel?(runId: string, signal?: AbortSignal): Promise<PolicyRewardModel>;
}

export interface PolicyRunOptions {
  /** Resume this run (its record and checkpoints must be in the store). */
  runId?: string;
  signal?: AbortSignal;
  onEvent?(event: PolicyRunEvent): void;
}

export class PolicyResumeError extends Error {
  override name = 'PolicyResumeError';
}

export class PolicyBaseUnavailableError extends Error {
  override name = 'PolicyBaseUnavailableError';
}

const now = () => new Date().toISOString();

export function newPolicyRunId(spec: PolicySpec, t = Date.now()): string {
  return `policy-${t.toString(36)}-${fnv1a32(JSON.stringify(spec) + t).toString(36)}`;
}

const atTemperature = (t: number) => (t === 1 ? '' : ` at temperature ${t}`);
const fromStart = (start: string | null) => (start === null ? '' : ` from "${start}"`);

/** The value head's settings that differ from the defaults, for the method's line. */
function valueHeadName(m: Extract<PolicyArmSpec['method'], { kind: 'ppo' }>): string {
  const parts = [m.valueHead === 'detached' ? 'detached value head' : '', m.valueLr !== null ? `value lr ${m.valueLr}` : '', m.valueInit === 'mean-score' ? 'V started at the first rollout\'s mean score' : ''].filter(Boolean);
  return parts.length ? `${parts.join(', ')}, ` : '';
}

export function methodName(m: PolicyArmSpec['method']): string {
  switch (m.kind) {
    case 'dpo':
      return `DPO (${m.loss}, β ${m.beta}${m.labelSmoothing ? `, ε ${m.labelSmoothing}` : ''}${m.loss === 'simpo' ? `, γ ${m.simpoGamma}` : ''}${m.loss === 'rpo' ? `, α ${m.rpoAlpha}` : ''}; ${m.pairs} pairs)`;
    case 'iterative-dpo':
      return `iterative DPO (${m.loss}, β ${m.beta}; ${m.iterations} iterations, best vs worst of ${m.samplesPerPrompt} samples${atTemperature(m.temperature)})${fromStart(m.start)}`;
    case 'ppo':
      return `PPO (kl ${m.klCoef}, γ ${m.gamma}, λ ${m.lam}, clip ${m.cliprange}, ${valueHeadName(m)}${m.ppoEpochs} epochs of ${m.rolloutsPerStep} rollouts${atTemperature(m.temperature)})${fromStart(m.start)}`;
    case 'rloo':
      return `RLOO (kl ${m.klCoef}, k ${m.k}, clip ${m.cliprange}, ${m.rolloutsPerStep} prompts a step${atTemperature(m.temperature)})${fromStart(m.start)}`;
    case 'directional-dpo':
      return `directional DPO (${m.loss}, β ${m.beta}${m.loss === 'rpo' ? `, α ${m.rpoAlpha}` : ''}; pole pairs labelled by u · r(x)${m.conditionRead !== 'everywhere' ? `; each position reads the objectives through learned gates${m.conditionRead === 'gated-head' ? ' at the LM head' : ''}${m.gateParts > 1 ? `, ${m.gateParts} parts per objective` : ''}${m.gateBias ? ` starting at bias ${m.gateBias}` : ''}` : ''}${m.squash > 0 ? `; components read as tanh(${m.squash} u_k)` : ''}${m.guidance > 0 ? `; guidance γ ${m.guidance}` : ''}${m.plausibility > 0 ? `; writes only tokens the policy without its direction gives ≥ ${m.plausibility} × its best` : ''})`;
    case 'roleplay':
      return 'roleplay (no training)';
    default:
      return m.kind;
  }
}

function trainingName(a: PolicyArmSpec): string {
  if (a.method.kind === 'roleplay' || a.method.kind === 'few-shot') return 'none';
  return a.train.mode === 'lora' ? `LoRA r${a.train.lora.rank} α${a.train.lora.alpha} on ${a.train.lora.targets.map((t) => t.replace(/_proj$/, '')).join(',')}` : 'full finetuning';
}

/** An online arm that starts from a directional policy (method.start), or not. */
function startsFromDirection(a: PolicyArmSpec): boolean {
  return (a.method.kind === 'iterative-dpo' || a.method.kind === 'ppo' || a.method.kind === 'rloo') && a.method.start !== null;
}

function pendingArm(a: PolicyArmSpec): PolicyArmResult {
  const readFrom = `direction read from ${resolveSubset(a.conditioning).name}`;
  return { label: a.label, method: methodName(a.method), conditioning: a.method.kind === 'directional-dpo' ? (a.method.personas ? readFrom : 'direction') : startsFromDirection(a) ? readFrom : resolveSubset(a.conditioning).name, training: trainingName(a), status: 'pending', curve: [], final: {}, eval: [], examples: [], seconds: 0 };
}

interface Run {
  spec: PolicySpec;
  env: PolicyRunnerEnv;
  o: PolicyRunOptions;
  record: PolicyRecord;
  emit(e: PolicyRunEvent): void;
  save(): Promise<void>;
  progress(arm: number, phase: RunPhase, within: number, message: string): void;
}

async function openRecord(spec: PolicySpec, env: PolicyRunnerEnv, runId: string | undefined): Promise<PolicyRecord> {
  if (runId) {
    const saved = await env.store.getRecord(runId);
    if (!saved) throw new PolicyResumeError(`No saved policy run ${runId} to resume`);
    if (JSON.stringify(parsePolicySpec(saved.spec)) !== JSON.stringify(spec)) throw new PolicyResumeError(`Policy run ${runId} was started with a different spec; start a new run instead`);
    saved.status = 'running';
    saved.backend = { kind: env.backend.name, adapter: env.adapter };
    delete saved.error;
    return saved;
  }
  return {
    recordVersion: POLICY_RECORD_VERSION,
    kind: 'policy',
    id: newPolicyRunId(spec),
    name: spec.name,
    spec,
    seed: spec.seed,
    appVersion: env.appVersion,
    backend: { kind: env.backend.name, adapter: env.adapter },
    base: null,
    createdAt: now(),
    updatedAt: now(),
    status: 'running',
    data: null,
    judges: {
      truth: 'planted utility (built-in world)',
      rewardModel: {
        status: 'missing',
        reason: spec.eval.rewardModelRun ? `the reward model of Stage-1 run ${spec.eval.rewardModelRun} is not loaded yet` : 'no Stage-1 reward model run was named (eval.rewardModelRun)',
      },
    },
    arms: spec.arms.map(pendingArm),
    skew: [],
  };
}

function startRun(spec: PolicySpec, env: PolicyRunnerEnv, o: PolicyRunOptions, record: PolicyRecord): Run {
  const emit = (e: PolicyRunEvent) => o.onEvent?.(e);
  const started = Date.now();
  // Arms weigh what they cost (./arm-cost.ts); a directional arm that borrows an earlier arm's policy only writes.
  const keys = spec.arms.map(directionalKey);
  const shares = armShares(spec, (i) => keys[i] !== null && keys.indexOf(keys[i]) < i);
  const before = shares.map((_, i) => shares.slice(0, i).reduce((s, x) => s + x, 0));
  const startFraction = record.arms.reduce((s, a, i) => s + (a.status === 'done' ? shares[i] : 0), 0);
  return {
    spec,
    env,
    o,
    record,
    emit,
    save: async () => {
      record.updatedAt = now();
      await env.store.putRecord(record);
    },
    // Within an arm, training is the first TRAIN_SHARE (when it trains).
    progress: (arm, phase, within, message) => {
      const fraction = Math.min(1, (before[arm] ?? 1) + within * (shares[arm] ?? 0));
      emit({ kind: 'progress', runId: record.id, arm, arms: spec.arms.length, armLabel: spec.arms[arm]?.label ?? '', phase, fraction, etaSeconds: etaSeconds(fraction, startFraction, (Date.now() - started) / 1000), message });
    },
  };
}

/** What every arm shares: the world, its split and pair sets, the evaluation prompts, the base policy. */
interface Shared {
  ds: BuiltinDataset;
  split: ReturnType<typeof splitDataset>;
  sets: ReturnType<typeof buildPairSets>;
  items: EvalItem[];
  /** Our engine's base (training arms need it); null when the base is an ONNX model. */
  base: LoadedLm | null;
  /** What writes the base's answers and reads their log-probs: base.model, or the ONNX session. */
  baseLm: AnswerLm;
  layout: PolicyLayout;
  /** The base's answers per conditioning subset (its prompts differ with the persona shown). */
  baseAnswers: Map<string, Promise<Answers>>;
  /** The reward-model judge eval.rewardModelRun names (./reward-judge.ts), or null. */
  judge: PolicyRewardModel | null;
  /**
   * The base's log-probs of a pair set, per conditioning, pairs, length cap and batch (the same
   * inputs give the same numbers): arms that differ only in their loss or training (dpo-variants)
   * read the reference once.
   */
  references?: Map<string, Promise<Map<string, ReferenceLogps>>>;
  /** Directional policies trained by an earlier arm, kept for later arms that train the same (directionalKey). */
  directional: Map<string, TrainedDirectional>;
}

/** A directional arm's trained policy and what its record got, for the later arms that train the same. */
interface TrainedDirectional {
  label: string;
  model: LlamaModel;
  lm: LoadedLm | null;
  adapter: LoraAdapter | null;
  condition: ConditionEmbedding | null;
  objectives: string[];
  result: Pick<PolicyArmResult, 'curve' | 'final' | 'saved' | 'rewardModel' | 'directional'>;
}

/**
 * What a directional arm's training depends on: its method and training, not its conditioning
 * (which only says how personas are read afterwards) nor whether, how strongly and from which
 * reader's pairs it writes for personas. Arms with the same key train the same policy.
 */
function directionalKey(a: PolicyArmSpec): string | null {
  if (a.method.kind !== 'directional-dpo') return null;
  return JSON.stringify({ method: { ...a.method, personas: undefined, personaStrength: undefined, readerPairs: undefined, readers: undefined }, train: a.train });
}

/**
 * The label a training arm's LoRA start is seeded with: its own, or for a directional arm the
 * first arm's that trains the same policy, so a resumed run that trains it again gets the same
 * weights as the run that trained it once and shared it.
 */
function seedLabel(spec: PolicySpec, a: PolicyArmSpec): string {
  const key = directionalKey(a);
  return key === null ? a.label : (spec.arms.find((x) => directionalKey(x) === key) ?? a).label;
}

function trainPairs(sh: Shared, a: PolicyArmSpec, seed: number): PreferencePair[] {
  if (a.method.kind !== 'dpo') return [];
  const { generic, cross } = sh.sets.train;
  const kind = a.method.pairs;
  const all = kind === 'pole' ? polePairs(sh.ds, sh.split.train, seed) : kind === 'generic' ? generic : kind === 'cross' ? cross : [...generic, ...cross];
  return samplePairs(all, a.train.maxPairs, seed, 'train');
}

/** Each pair as tokens in the base's chat layout, the persona under the arm's conditioning. */
function pairRows(sh: Shared, a: PolicyArmSpec, pairs: readonly PreferencePair[]): Map<string, PreferenceRow> {
  const subset = resolveSubset(a.conditioning);
  const attrs = new Map(sh.ds.personas.map((p) => [p.id, p.attributes]));
  const rows = new Map<string, PreferenceRow>();
  for (const p of pairs) {
    const at = attrs.get(p.personaId)!;
    const persona = personaText(at, subset);
    const q = sh.ds.question(p.questionId);
    const turn = (text: string, id: string | undefined) => assistantTurn(sh.layout, sh.ds, text, p.questionId, id !== undefined ? (polesFromId(q, id) ?? null) : null, persona ? at : null);
    rows.set(p.id, {
      prompt: promptIds(sh.layout, persona, p.instruction),
      chosen: responseIds(sh.layout, persona, p.instruction, turn(p.chosen, p.chosenId)),
      rejected: responseIds(sh.layout, persona, p.instruction, turn(p.rejected, p.rejectedId)),
    });
  }
  return rows;
}

/** What an arm loads or creates and releases when it ends: a private copy of the base, a LoRA adapter, a conditioning embedding. */
interface Owned {
  lm: LoadedLm | null;
  adapter: LoraAdapter | null;
  condition: ConditionEmbedding | null;
}

/** A trained arm's share of its time spent training (the rest writes and judges answers). */
const TRAIN_SHARE = 0.6;

/** The engine base a training arm needs (parsePolicySpec refuses training arms on an ONNX base). */
function engineBase(sh: Shared, a: PolicyArmSpec): LoadedLm {
  if (!sh.base) throw new Error(`${a.label}: ${a.method.kind} trains, and the base is an ONNX model (parsePolicySpec should have refused it)`);
  return sh.base;
}

/** Trains arm i's policy by offline DPO; returns the model and adapter that answer for it. */
async function trainDpo(
  run: Run,
  sh: Shared,
  i: number,
  pairs: readonly PreferencePair[],
  owned: { lm: LoadedLm | null; adapter: LoraAdapter | null },
  given?: Map<string, PreferenceRow>,
  /** A learned conditioning embedding trained with the policy (the rows carry its inputs). */
  condition: ConditionEmbedding | null = null,
): Promise<{ model: LlamaModel; adapter: LoraAdapter | null }> {
  const { env, o, record, spec } = run;
  const a = spec.arms[i];
  if (a.method.kind !== 'dpo' && a.method.kind !== 'directional-dpo') throw new Error('trainDpo: not a DPO arm');
  const result = record.arms[i];
  const be = env.backend;
  const base = engineBase(sh, a);
  const padId = base.tokenizer.padId;
  // Directional arms bring their rows (a direction, not a persona, in the system message).
  const rows = given ?? pairRows(sh, a, pairs);
  run.progress(i, 'features', 0, `${a.label}: reference log-probs of ${pairs.length} pairs`);
  // Shares of the arm for the time-left estimate: a reference pass is one forward per pair, an
  // epoch about three (forward and backward); training with the reference is TRAIN_SHARE.
  const refShare = TRAIN_SHARE / (1 + 3 * a.train.epochs);
  const refKey = `${given ? `direction:${a.method.kind === 'directional-dpo' ? a.method.placement : ''}` : resolveSubset(a.conditioning).keys.join(",")}|${a.train.maxLength}|${a.train.batchSize}|${fnv1a32(pairs.map((p) => p.id).join(','))}`;
  sh.references ??= new Map();
  let pending = sh.references.get(refKey);
  if (!pending) {
    pending = referenceLogps(base.model, rows, {
      padId,
      maxLength: a.train.maxLength,
      batchSize: a.train.batchSize,
      signal: o.signal,
      onProgress: (done, total) => run.progress(i, 'features', refShare * (done / total), `${a.label}: reference log-probs ${done} of ${total}`),
    });
    sh.references.set(refKey, pending);
    pending.catch(() => sh.references?.delete(refKey));
  }
  const reference = await pending;
  let model = base.model;
  if (a.train.mode === 'full') {
    owned.lm = await env.loadBase(spec.base, be);
    // The copy must be the reference's weights (the files could have been replaced since).
    if (owned.lm.name !== base.name) throw new PolicyResumeError(`The base policy changed during the run (${base.name} at the start, ${owned.lm.name} now); start the run again`);
    model = owned.lm.model;
    model.unfreeze();
  } else {
    owned.adapter = LoraAdapter.create(be, model.config, { rank: a.train.lora.rank, alpha: a.train.lora.alpha, dropout: a.train.lora.dropout, targets: a.train.lora.targets }, new Rng(fnv1a32(`${spec.seed}:lora:${seedLabel(spec, a)}`)));
  }
  const dpo = new DpoPolicyModel(be, model, owned.adapter, rows, reference, { ...a.method, kind: 'dpo', pairs: 'pole' }, padId, a.train.maxLength, condition, a.method.kind === 'directional-dpo' && a.method.conditionLr !== null ? a.method.conditionLr / a.train.lr : 1);
  const resume = await env.store.getCheckpoint(record.id, i);
  result.curve = resume ? resume.curve.slice() : [];
  const loop = await trainLoop(be, dpo, pairs, a.train, spec.seed, {
    signal: o.signal,
    resume,
    checkpointEvery: env.checkpointEvery ?? 50,
    assertDevice: env.assertDevice,
    onLog: (point) => {
      result.curve.push(point);
      run.emit({ kind: 'metrics', runId: record.id, arm: i, armLabel: a.label, point });
    },
    onStep: (step, total) => {
      if (step === 1 || step % 5 === 0 || step === total) run.progress(i, 'train', refShare + (TRAIN_SHARE - refShare) * (step / total), `${a.label}: step ${step} of ${total}`);
    },
    checkpoint: async (ck) => {
      await env.store.putCheckpoint({ ...ck, runId: record.id, arm: i });
      await run.save();
    },
  });
  result.curve = loop.curve;
  result.final = { ...loop.final, train_pairs: pairs.length, steps: loop.steps, resumed_from_step: loop.resumedFrom };
  if (owned.adapter) owned.adapter.training = false;
  return { model, adapter: owned.adapter };
}

/**
 * Trains arm i by an online method (iterative DPO, PPO, RLOO: ./online-dpo.ts, ./ppo.ts) with the
 * reward model its spec names (a Stage-1 run, through env.loadRewardModel) or, when it names none,
 * one this arm trains first on the run's own training pairs (./own-reward.ts; the record says so).
 */
interface OnlineTrained {
  model: LlamaModel;
  adapter: LoraAdapter | null;
  /** A directional start: per evaluation item, the vector the policy writes with, its guidance and plausibility constraint. */
  steer?: { conditions: Float32Array[]; guidance: number; plausibility: number };
  /** A directional start: its direction table (a host copy; features = the objectives), which the saved policy keeps. */
  condition: HostCondition | null;
  /** The reward model the arm optimized: the caller judges the answers with it, then disposes it. */
  rewardModel: PolicyRewardModel;
}

async function trainOnline(run: Run, sh: Shared, i: number, owned: { lm: LoadedLm | null; adapter: LoraAdapter | null }): Promise<OnlineTrained> {
  const { env, o, record, spec } = run;
  const a = spec.arms[i];
  const m = a.method;
  if (m.kind !== 'iterative-dpo' && m.kind !== 'ppo' && m.kind !== 'rloo') throw new Error('trainOnline: not an online arm');
  const result = record.arms[i];
  const base = engineBase(sh, a);
  let rm: PolicyRewardModel;
  const from = startArmOf(spec, i);
  if (m.rewardModelRun !== null) {
    if (!env.loadRewardModel) throw new RewardModelUnavailableError(`arms[${i}].method.rewardModelRun: this environment cannot load Stage-1 reward models; set it to null to train one in the run`);
    run.progress(i, 'features', 0, `${a.label}: loading the reward model of Stage-1 run ${m.rewardModelRun}`);
    rm = await env.loadRewardModel(m.rewardModelRun, o.signal);
  } else {
    run.progress(i, 'features', 0, `${a.label}: training a reward model on the run's training pairs (arms[${i}].method.rewardModelRun is null)`);
    // From a directional start the model also reads the personas, under the arm's conditioning (as the start arm's did).
    rm = await trainOwnRewardModel(env.backend, sh.ds, sh.split, sh.sets, spec.seed, { ...(from ? { subset: resolveSubset(a.conditioning), ...readerOf(from.arm) } : {}), signal: o.signal, onProgress: (step, total) => step % 25 === 0 && run.progress(i, 'features', 0.05 * TRAIN_SHARE * (step / total), `${a.label}: reward model step ${step} of ${total}`) });
  }
  result.rewardModel = rm.description;
  const startOwned: Owned = { lm: null, adapter: null, condition: null };
  let handedOver = false;
  try {
    const start = from ? await directionalStart(run, sh, i, from, rm, startOwned) : null;
    const ck = await env.store.getCheckpoint(record.id, i);
    if (ck && !('online' in ck)) throw new PolicyResumeError(`The checkpoint of ${a.label} is not an online method's; start the run again`);
    const arm: OnlineArm = {
      be: env.backend,
      arm: a,
      seed: spec.seed,
      ds: sh.ds,
      split: sh.split,
      layout: sh.layout,
      base,
      evalItems: sh.items,
      evalSpec: spec.eval,
      rewardModel: rm,
      result,
      signal: o.signal,
      assertDevice: env.assertDevice,
      checkpointEvery: env.checkpointEvery ?? 50,
      checkpoint: ck as OnlineCheckpoint | null,
      saveCheckpoint: async (c) => {
        await env.store.putCheckpoint({ ...c, runId: record.id, arm: i });
        await run.save();
      },
      progress: (phase, within, message) => run.progress(i, phase, TRAIN_SHARE * (0.05 + 0.95 * within), message),
      onLog: (point) => run.emit({ kind: 'metrics', runId: record.id, arm: i, armLabel: a.label, point }),
      freshBase: async () => {
        const lm = await env.loadBase(spec.base, env.backend);
        if (lm.name !== base.name) {
          lm.model.dispose();
          throw new PolicyResumeError(`The base policy changed during the run (${base.name} at the start, ${lm.name} now); start the run again`);
        }
        return lm;
      },
      start: start?.online ?? null,
    };
    const steer = start ? { conditions: sh.items.map((it) => start.online.conditionOf(it)), guidance: start.online.guidance, plausibility: start.online.plausibility } : undefined;
    const condition = start?.condition ?? null;
    let trained: { model: LlamaModel; adapter: LoraAdapter | null };
    if (m.kind === 'iterative-dpo') trained = await trainIterativeDpo(arm, owned);
    else {
      const head: { head: ValueHead | null } = { head: null };
      try {
        trained = await trainPpo(arm, owned, head);
      } finally {
        head.head?.dispose();
      }
    }
    handedOver = true;
    return { model: trained.model, adapter: trained.adapter, steer, condition, rewardModel: rm };
  } finally {
    if (!handedOver) rm.dispose();
    startOwned.adapter?.dispose();
    startOwned.lm?.model.dispose();
    // (the direction table was read to the host before it goes)
    startOwned.condition?.dispose();
  }
}

/**
 * An online arm's directional start (method.start): the start arm's trained policy (kept from
 * when it ran, or trained again from the same seed when the run was resumed past it: the same
 * weights), and every seen and evaluation persona read as a direction by the arm's reward model.
 */
async function directionalStart(run: Run, sh: Shared, i: number, from: { index: number; arm: PolicyArmSpec }, rm: PolicyRewardModel, owned: Owned): Promise<{ online: OnlineStart; condition: HostCondition }> {
  const { spec, record } = run;
  const a = spec.arms[i];
  const fm = from.arm.method;
  if (fm.kind !== 'directional-dpo') throw new Error(`${a.label}: method.start names a ${fm.kind} arm (parsePolicySpec should have refused it)`);
  let trained = sh.directional.get(directionalKey(from.arm)!);
  if (!trained) {
    run.progress(i, 'train', 0, `${a.label}: training its start "${from.arm.label}" again (the run was resumed after it; same seed, same weights)`);
    const kept = structuredClone(record.arms[from.index]);
    try {
      trained = await trainDirectional(run, sh, from.index, owned, true);
    } finally {
      record.arms[from.index] = kept;
    }
  }
  if (!trained.condition) throw new Error(`${a.label}: its start has no direction vector (parsePolicySpec should have refused it)`);
  const condition = await hostCondition(trained.condition);
  run.progress(i, 'features', 0, `${a.label}: reading the personas as directions`);
  // Training prompts come from every seen persona; the record keeps the evaluation's.
  const read = await readPersonas(run, sh, rm, condition, fm.personaStrength, sh.split.seenPersonas);
  record.arms[i].start = from.arm.label;
  record.arms[i].personaDirections = read.record;
  return { online: { label: from.arm.label, model: trained.model, adapter: trained.adapter, conditionOf: read.conditionOf, guidance: fm.guidance, plausibility: fm.plausibility }, condition };
}

/**
 * The personas read as directions by `rm` (the evaluation's, and `more`), over the direction
 * table's objectives: what the record keeps for the evaluation's personas, and the vector a
 * prompt is written with (u · E at the persona's direction on the question's objectives, scaled
 * to `strength`; computed once per persona and question).
 */
async function readPersonas(run: Run, sh: Shared, rm: PolicyRewardModel, condition: HostCondition, strength: number, more: readonly string[] = []): Promise<{ record: PersonaDirections; conditionOf(it: EvalItem): Float32Array }> {
  const { spec, o } = run;
  const objectives = [...condition.features];
  const evalPersonas = [...new Set(sh.items.map((it) => it.personaId))];
  const dirs = await personaDirections(rm, [...new Set([...evalPersonas, ...more])], objectives, { ...PERSONA_DIRECTION_DEFAULTS, seed: spec.seed, signal: o.signal });
  const evalDirs = new Map(evalPersonas.map((p) => [p, dirs.get(p)!]));
  const vectors = new Map<string, Float32Array>();
  return {
    record: {
      rewardModel: rm.description,
      objectives,
      directions: evalPersonas.map((personaId) => ({ personaId, direction: evalDirs.get(personaId)! })),
      strength,
      tasteSignAgreement: tasteSignAgreement(sh.ds, evalDirs, objectives),
    },
    conditionOf: (it) => {
      const key = `${it.personaId}\u0000${it.questionId}`;
      let v = vectors.get(key);
      if (!v) {
        const u = dirs.get(it.personaId);
        if (!u) throw new Error(`persona ${it.personaId} was not read as a direction`);
        vectors.set(key, (v = conditionVectors(condition.table, condition.width, [questionDirection(u, objectives, sh.ds.question(it.questionId), strength)])));
      }
      return v;
    },
  };
}

/**
 * Scores arm i's answers against the base's on the same prompts. `trained`: the arm's own model
 * writes them; otherwise the base does, with the few-shot examples when `examples` is given
 * (roleplay is the base itself on the arm's prompts).
 */
async function evaluateArm(
  run: Run,
  sh: Shared,
  i: number,
  model: AnswerLm,
  adapter: LoraAdapter | null,
  trained: boolean,
  examples?: (item: EvalItem) => ChatMessage[],
  /** A directional policy writing for the personas: per item, its vector (u · E at the persona's direction), under the marginal prompt. */
  steer?: { conditions: readonly Float32Array[]; guidance: number; plausibility: number },
  /** An online arm's own reward model: its verdict on the answers goes beside the truth's (optimizedRewardModel). */
  optimized?: PolicyRewardModel,
): Promise<void> {
  const { env, o, spec, record } = run;
  const a = spec.arms[i];
  const e = spec.eval;
  const subset = resolveSubset(a.conditioning);
  // Per answer row (items × samples, item-major), the steering vector.
  const conditions = steer ? steer.conditions.flatMap((c) => Array.from({ length: e.samples }, () => c)) : undefined;
  const start = trained ? TRAIN_SHARE : 0;
  const settings = (what: string, from: number, to: number) => ({
    samples: e.samples,
    temperature: e.temperature,
    maxNewTokens: e.maxNewTokens,
    batchSize: e.batchSize,
    seed: fnv1a32(`${spec.seed}:eval`),
    signal: o.signal,
    onProgress: (done: number, total: number) => run.progress(i, 'eval', start + (1 - start) * (from + (to - from) * (done / total)), `${a.label}: ${what} ${done} of ${total}`),
  });
  let base = sh.baseAnswers.get(subset.name);
  if (!base) {
    base = writeAnswers(env.backend, sh.baseLm, null, sh.layout, sh.ds, subset, sh.items, settings('base policy answers', 0, 0.4));
    sh.baseAnswers.set(subset.name, base);
    base.catch(() => sh.baseAnswers.delete(subset.name));
  }
  const baseAnswers = await base;
  env.assertDevice?.();
  const writes = trained || examples !== undefined;
  // A steered policy reads the persona as its vector, not as text: its prompt is the marginal one.
  const mine = writes
    ? await writeAnswers(env.backend, model, adapter, sh.layout, sh.ds, steer ? resolveSubset({ kind: 'preset', name: 'none' }) : subset, sh.items, { ...settings('policy answers', 0.4, 0.85), conditions, guidance: steer?.guidance, plausibility: steer?.plausibility }, examples)
    : baseAnswers;
  run.progress(i, 'eval', start + (1 - start) * 0.85, `${a.label}: KL to the base`);
  const maxLength = contextOf(model);
  const kl = writes
    ? await env.backend.guard(`KL of ${a.label}`, () => sampleKl(model, adapter, sh.baseLm, mine, { padId: sh.layout.tokenizer.padId, batchSize: e.batchSize, maxLength, basePrompts: examples || steer ? baseAnswers.prompts : undefined, conditions }))
    : mine.texts.map(() => 0);
  const result = record.arms[i];
  result.eval = (['seen', 'unseen'] as const).map((set) => judgeSet(sh.ds, set, sh.items, e.samples, mine.texts, baseAnswers.texts, kl, e.confidence));
  if (sh.judge) await judgeByRewardModel(sh.judge, sh.items, e.samples, mine.texts, baseAnswers.texts, result.eval, e.confidence, o.signal);
  if (optimized) await judgeByRewardModel(optimized, sh.items, e.samples, mine.texts, baseAnswers.texts, result.eval, e.confidence, o.signal, 'optimizedRewardModel');
  result.answers = mine.texts.slice();
  result.vsBase = vsBaseScores(sh.ds, sh.items, e.samples, mine.texts, baseAnswers.texts);
  result.examples = [];
  for (const set of ['seen', 'unseen'] as const) {
    const idx = sh.items.map((it, j) => (it.set === set ? j : -1)).filter((j) => j >= 0).slice(0, 3);
    for (const j of idx) result.examples.push({ set, personaId: sh.items[j].personaId, questionId: sh.items[j].questionId, policy: mine.texts[j * e.samples], base: baseAnswers.texts[j * e.samples] });
  }
}

/**
 * The few-shot baseline's examples: k of the persona's preferred answers (its rows' tailored
 * response) to other questions, a seeded choice per persona, as earlier exchanges in the prompt.
 */
function fewShotExamples(sh: Shared, a: PolicyArmSpec, k: number, seed: number): (item: EvalItem) => ChatMessage[] {
  const subset = resolveSubset(a.conditioning);
  const attrs = new Map(sh.ds.personas.map((p) => [p.id, p.attributes]));
  const rows = new Map<string, BuiltinDataset['rows']>();
  for (const r of sh.ds.rows) rows.set(r.personaId, [...(rows.get(r.personaId) ?? []), r]);
  return (item) => {
    const at = attrs.get(item.personaId)!;
    const others = new Rng(fnv1a32(`${seed}:few-shot:${item.personaId}:${item.questionId}`)).shuffle((rows.get(item.personaId) ?? []).filter((r) => r.questionId !== item.questionId)).slice(0, k);
    return others.flatMap((r): ChatMessage[] => [
      { role: 'user', content: r.instruction },
      { role: 'assistant', content: assistantTurn(sh.layout, sh.ds, r.data, r.questionId, r.dataId !== undefined ? (polesFromId(sh.ds.question(r.questionId), r.dataId) ?? null) : null, subset.keys.length ? at : null) },
    ]);
  };
}

async function runArm(run: Run, sh: Shared, i: number): Promise<void> {
  const { spec, record } = run;
  const a = spec.arms[i];
  const result = record.arms[i];
  const t0 = Date.now();
  const before = result.seconds;
  result.status = 'running';
  const owned: Owned = { lm: null, adapter: null, condition: null };
  try {
    if (a.method.kind === 'dpo') {
      const pairs = trainPairs(sh, a, spec.seed);
      if (pairs.length === 0) throw new DataUnavailableError(`${a.label}: no ${a.method.pairs} training pairs in this world and split`);
      const { model, adapter } = await trainDpo(run, sh, i, pairs, owned);
      if (run.env.savePolicy) result.saved = await run.env.savePolicy(record.id, i, a.label, await policyFiles(model, adapter, record.base ?? ''));
      await evaluateArm(run, sh, i, model, adapter, true);
    } else if (a.method.kind === 'iterative-dpo' || a.method.kind === 'ppo' || a.method.kind === 'rloo') {
      const { model, adapter, steer, condition, rewardModel } = await trainOnline(run, sh, i, owned);
      try {
        // A policy started from a directional one reads its direction table: it is saved with it.
        if (run.env.savePolicy) result.saved = await run.env.savePolicy(record.id, i, a.label, { ...(await policyFiles(model, adapter, record.base ?? '', condition)), ...(condition ? { objectives: [...condition.features] } : {}) });
        await evaluateArm(run, sh, i, model, adapter, true, undefined, steer, rewardModel);
      } finally {
        rewardModel.dispose();
      }
    } else if (a.method.kind === 'directional-dpo') {
      await runDirectional(run, sh, i, owned);
    } else if (a.method.kind === 'roleplay') {
      await evaluateArm(run, sh, i, sh.baseLm, null, false);
    } else if (a.method.kind === 'few-shot') {
      await evaluateArm(run, sh, i, sh.baseLm, null, false, fewShotExamples(sh, a, a.method.k, spec.seed));
    } else {
      throw new Error(`${a.label}: method ${(a.method as { kind: string }).kind} is not implemented (parsePolicySpec should have refused it)`);
    }
  } finally {
    owned.adapter?.dispose();
    owned.lm?.model.dispose();
    owned.condition?.dispose();
  }
  result.status = 'done';
  result.seconds = before + (Date.now() - t0) / 1000;
  await run.save();
  await run.env.store.deleteCheckpoints(record.id);
  run.emit({ kind: 'result', runId: record.id, final: false, record: structuredClone(record) });
}

/**
 * A directional arm: its multi-objective reward model (kept, or fitted here), pole pairs on the
 * training questions labelled by u · r(x) under a random direction each, offline DPO on them
 * (trainDpo, so checkpoints, resume and the typed stops are offline DPO's), then the directional
 * judge on the held-out questions. An earlier arm that trained the same policy (directionalKey)
 * lends it instead. With method.personas it then writes for the evaluation's personas
 * (writeForPersonas); otherwise it has no persona prompts and `eval` stays empty.
 */
async function runDirectional(run: Run, sh: Shared, i: number, owned: Owned): Promise<void> {
  const { spec, record } = run;
  const a = spec.arms[i];
  const m = a.method;
  if (m.kind !== 'directional-dpo') throw new Error('runDirectional: not a directional arm');
  const result = record.arms[i];
  const key = directionalKey(a)!;
  const trained = sh.directional.get(key) ?? (await trainDirectional(run, sh, i, owned));
  const lent = trained.label !== a.label;
  if (lent) Object.assign(result, structuredClone(trained.result));
  result.eval = [];
  if (m.personas) {
    if (!trained.condition) throw new Error(`${a.label}: method.personas needs the placement "embedding" (parsePolicySpec should have refused it)`);
    await writeForPersonas(run, sh, i, trained, await hostCondition(trained.condition), lent ? trained.label : undefined);
  }
  // A later arm trains the same policy, or starts from it: keep it for that arm (the run disposes it at its end).
  const startsHere = (j: number) => {
    const from = startArmOf(spec, j);
    return from !== null && directionalKey(from.arm) === key;
  };
  if (!lent && spec.arms.some((x, j) => j > i && (directionalKey(x) === key || startsHere(j)))) {
    sh.directional.set(key, trained);
    owned.lm = null;
    owned.adapter = null;
    owned.condition = null;
  }
}

/** `again`: a resumed run trains a finished arm's policy once more for an arm that starts from it (no saving, no judge). */
async function trainDirectional(run: Run, sh: Shared, i: number, owned: Owned, again = false): Promise<TrainedDirectional> {
  const { env, o, spec, record } = run;
  const a = spec.arms[i];
  const m = a.method;
  if (m.kind !== 'directional-dpo') throw new Error('trainDirectional: not a directional arm');
  const result = record.arms[i];
  let kept: KeptMultiObjectiveModel;
  if (m.rewardModel !== null) {
    if (!env.loadMultiObjectiveModel) throw new RewardModelUnavailableError(`arms[${i}].method.rewardModel: this environment cannot load kept multi-objective models; set it to null to fit one in the run`);
    run.progress(i, 'features', 0, `${a.label}: loading the multi-objective reward model ${m.rewardModel}`);
    kept = await env.loadMultiObjectiveModel(m.rewardModel, o.signal);
  } else {
    run.progress(i, 'features', 0, `${a.label}: fitting a multi-objective reward model (d = ${m.dims}) on the world's training pairs (arms[${i}].method.rewardModel is null)`);
    kept = fitKeptMultiObjective(sh.ds, spec.seed, m.dims);
  }
  const scorer = new MultiObjectiveScorer(kept);
  result.rewardModel = `${m.rewardModel ?? 'in-run'}: ${kept.description}; objectives ${kept.objectives.join(', ')}`;
  const { judge, train } = splitQuestions(m.judge.questions, spec.seed);
  const made = directionalPairs(scorer, train, a.train.maxPairs ?? 2000, spec.seed, m.minMargin, m.directions);
  if (made.pairs.length === 0) throw new DataUnavailableError(`${a.label}: every directional pair tied under the reward model`);
  const rows = new Map<string, PreferenceRow>();
  // Placement `embedding`: the direction is no text but the policy's learned u · E, read by every block (LlamaModel's condition).
  const embedded = m.placement === 'embedding';
  const condition = embedded ? new ConditionEmbedding(env.backend, kept.objectives, engineBase(sh, a).model.config.hiddenSize, null, { gate: m.conditionRead === 'everywhere' ? false : m.gateBias, site: m.conditionRead === 'gated-head' ? 'head' : 'blocks', parts: m.gateParts, seed: spec.seed, squash: m.squash }) : null;
  owned.condition = condition;
  let dropped = 0;
  for (const p of made.pairs) {
    const t = directionalTurns(m.placement, made.system.get(p.id)!, p.instruction);
    // Condition dropout: a seeded share of the pairs teaches the policy at u = 0 (their chosen answers, no preference term).
    const drop = m.conditionDropout > 0 && droppedPair(spec.seed, p.id, m.conditionDropout);
    if (drop) dropped++;
    rows.set(p.id, {
      prompt: promptIds(sh.layout, t.system, t.user),
      chosen: responseIds(sh.layout, t.system, t.user, p.chosen),
      rejected: responseIds(sh.layout, t.system, t.user, p.rejected),
      ...(embedded ? { condition: drop ? new Float32Array(kept.objectives.length) : Float32Array.from(made.directions.get(p.id)!) } : {}),
      ...(drop ? { weight: 0 } : {}),
    });
  }
  const { model, adapter } = await trainDpo(run, sh, i, made.pairs, owned, rows, condition);
  result.final = { ...result.final, direction_ties: made.ties, ...(m.conditionDropout > 0 ? { condition_dropped: dropped } : {}) };
  if (again) return { label: a.label, model, lm: owned.lm, adapter, condition, objectives: kept.objectives, result: structuredClone({ curve: result.curve, final: result.final, saved: result.saved, rewardModel: result.rewardModel, directional: result.directional }) };
  const host = condition ? await hostCondition(condition) : null;
  if (env.savePolicy) result.saved = await env.savePolicy(record.id, i, a.label, { ...(await policyFiles(model, adapter, record.base ?? '', host)), objectives: kept.objectives });
  result.directional = await judgeDirectional({
    be: env.backend,
    model,
    adapter,
    base: sh.baseLm,
    layout: sh.layout,
    objectives: kept.objectives,
    rewardModel: result.rewardModel,
    questions: judge,
    fitQuestions: train.slice(0, m.judge.fitQuestions),
    judge: m.judge,
    placement: m.placement,
    guidance: m.guidance,
    plausibility: m.plausibility,
    ...(host ? { conditionOf: (u: readonly number[]) => conditionRows(host, [u]), conditionGate: host.gate ?? null } : {}),
    eval: spec.eval,
    seed: spec.seed,
    signal: o.signal,
    // With personas to write for, the judge is the first half of the evaluation.
    onProgress: (done, total, what) => run.progress(i, 'eval', TRAIN_SHARE + (1 - TRAIN_SHARE) * (m.personas ? 0.5 : 1) * (done / total), `${a.label}: ${what} ${done} of ${total}`),
  });
  const { curve, final, saved, rewardModel, directional } = result;
  return { label: a.label, model, lm: owned.lm, adapter, condition, objectives: kept.objectives, result: structuredClone({ curve, final, saved, rewardModel, directional }) };
}

/** The pairs a directional arm's persona reader trains on, and how many readers are averaged. */
function readerOf(a: PolicyArmSpec): { pairs: ReaderPairs; members: number } {
  return a.method.kind === 'directional-dpo' ? { pairs: a.method.readerPairs, members: a.method.readers } : { pairs: 'generic+cross', members: 1 };
}

/**
 * A directional policy writing for the evaluation's personas: a bag-of-features reward model
 * trained here on the run's training pairs under the arm's conditioning (none: the marginal model)
 * reads each persona as a direction over the policy's objectives (./persona-direction.ts), and the
 * policy writes at it; the truth judges those answers against the base's as for any arm.
 */
async function writeForPersonas(run: Run, sh: Shared, i: number, trained: TrainedDirectional, condition: HostCondition, sharedWith: string | undefined): Promise<void> {
  const { env, o, spec, record } = run;
  const a = spec.arms[i];
  const m = a.method;
  if (m.kind !== 'directional-dpo') throw new Error('writeForPersonas: not a directional arm');
  const subset = resolveSubset(a.conditioning);
  run.progress(i, 'features', TRAIN_SHARE, `${a.label}: training a ${subset.keys.length ? 'conditional' : 'marginal'} reward model to read the personas as directions`);
  const rm = await trainOwnRewardModel(env.backend, sh.ds, sh.split, sh.sets, spec.seed, { subset, ...readerOf(a), signal: o.signal });
  try {
    const read = await readPersonas(run, sh, rm, condition, m.personaStrength);
    record.arms[i].personaDirections = { ...read.record, ...(sharedWith ? { sharedWith } : {}) };
    const conditions = sh.items.map((it) => read.conditionOf(it));
    await evaluateArm(run, sh, i, trained.model, trained.adapter, true, undefined, { conditions, guidance: m.guidance, plausibility: m.plausibility });
  } finally {
    rm.dispose();
  }
}

/** Conditional arms against the marginal arm of the same method, per skewed axis. */
function skewResults(sh: Shared, spec: PolicySpec, record: PolicyRecord): PolicyRecord['skew'] {
  if (!sh.ds.options.skew || Object.keys(sh.ds.options.skew).length === 0) return [];
  const out: PolicyRecord['skew'] = [];
  // An arm without answers (a directional arm that wrote for no persona) has nothing to compare.
  const arms = record.arms.map((r, i) => ({ label: r.label, answers: r.answers ?? [], vsBase: r.vsBase, spec: spec.arms[i], done: r.status === 'done' && (r.answers?.length ?? 0) > 0 }));
  for (const c of arms) {
    if (!c.done || resolveSubset(c.spec.conditioning).keys.length === 0) continue;
    const m = arms.find((x) => x.done && resolveSubset(x.spec.conditioning).keys.length === 0 && x.spec.method.kind === c.spec.method.kind);
    if (!m) continue;
    out.push(...skewComparisons(sh.ds, sh.items, spec.eval.samples, arms, c.label, m.label, spec.eval.confidence));
  }
  return out;
}

async function stopRun(run: Run, e: unknown, current: number): Promise<PolicyRecord> {
  const { record, o } = run;
  const cancelled = e instanceof CancelledError || (e instanceof DOMException && e.name === 'AbortError') || o.signal?.aborted === true;
  const info = cancelled ? { name: 'CancelledError', message: 'The run was cancelled.' } : e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
  record.status = cancelled ? 'cancelled' : 'failed';
  record.error = info;
  if (current >= 0) {
    record.arms[current].status = cancelled ? 'cancelled' : 'failed';
    record.arms[current].error = info.message;
  }
  await run.save();
  const checkpointKept = current >= 0 && (await run.env.store.getCheckpoint(record.id, current)) !== null;
  run.emit({ kind: 'error', runId: record.id, name: info.name, message: info.message, checkpointKept });
  return record;
}

/** Runs (or resumes) a policy spec: the record, the world and its split, the base, each unfinished arm. */
export async function runPolicy(input: unknown, env: PolicyRunnerEnv, o: PolicyRunOptions = {}): Promise<PolicyRecord> {
  const spec = parsePolicySpec(input);
  const record = await openRecord(spec, env, o.runId);
  const run = startRun(spec, env, o, record);
  await run.save();
  let current = -1;
  let base: LoadedLm | null = null;
  let onnx: PromptLm | null = null;
  let judge: PolicyRewardModel | null = null;
  const directional = new Map<string, TrainedDirectional>();
  try {
    run.progress(Math.max(0, record.arms.findIndex((a) => a.status !== 'done')), 'data', 0, o.runId ? 'Resuming: preparing data' : 'Preparing data');
    const ds = await env.loadData(spec.data, o.signal);
    if (!isBuiltin(ds)) throw new DataUnavailableError('Policy runs need the built-in world (the truth judge reads its planted utilities)');
    const split = splitDataset(ds, { seed: spec.seed, unseenFraction: spec.split.unseenFraction, testFraction: spec.split.testFraction });
    const sets = buildPairSets(ds, split, { seed: spec.seed, crossPartners: spec.split.crossPartners });
    const items = evalItems(split, spec.eval, spec.seed);
    if (spec.base.kind === 'onnx') {
      if (!env.loadOnnx) throw new PolicyBaseUnavailableError(`base.onnx: this environment cannot load ONNX models (${JSON.stringify(spec.base.onnx)}); run the spec with \`npm run cli -- policy run\` or in the app`);
      onnx = await env.loadOnnx(spec.base.onnx);
      record.base = onnx.name;
      // Where the ONNX base ran (the EP), as Stage-1 records keep it for their ONNX arms.
      if (onnx.onnx) record.backend.onnx = onnx.onnx;
    } else {
      base = await env.loadBase(spec.base, env.backend);
      record.base = base.name;
    }
    const tokenizer = onnx ? onnx.tokenizer : base!.tokenizer;
    record.data = {
      id: ds.id,
      personas: ds.personas.length,
      seenPersonas: split.seenPersonas.length,
      unseenPersonas: split.unseenPersonas.length,
      trainPairs: { generic: sets.train.generic.length, cross: sets.train.cross.length },
      evalPrompts: { seen: items.filter((x) => x.set === 'seen').length, unseen: items.filter((x) => x.set === 'unseen').length },
      skew: AXIS_IDS.filter((axis) => ds.options.skew?.[axis] !== undefined).map((axis) => {
        const m = minorityOf(ds, axis);
        return { axis, minorityPole: poleName(axis, m.pole), minorityShare: m.share };
      }),
    };
    await run.save();
    judge = await openRewardJudge(env.loadRewardModel, spec.eval.rewardModelRun, record.judges, o.signal);
    // The style line before each answer is the persona-reading model's (kind "builtin") alone; an
    // ONNX base's answers are read as they are written.
    const sh: Shared = { ds, split, sets, items, base, baseLm: onnx ? onnx.inference : base!.model, layout: { tokenizer, styled: spec.base.kind === 'builtin' }, baseAnswers: new Map(), judge, directional };
    for (let i = 0; i < spec.arms.length; i++) {
      if (record.arms[i].status === 'done') continue;
      o.signal?.throwIfAborted();
      current = i;
      await runArm(run, sh, i);
    }
    current = -1;
    record.skew = skewResults(sh, spec, record);
    record.status = 'done';
    await run.save();
    run.progress(spec.arms.length - 1, 'done', 1, 'Done');
    run.emit({ kind: 'result', runId: record.id, final: true, record: structuredClone(record) });
    return record;
  } catch (e) {
    return await stopRun(run, e, current);
  } finally {
    for (const t of directional.values()) {
      t.adapter?.dispose();
      t.lm?.model.dispose();
      t.condition?.dispose();
    }
    base?.model.dispose();
    await onnx?.dispose?.();
    judge?.dispose();
  }
}
