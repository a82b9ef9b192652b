// What the online Stage-2 methods (iterative DPO, PPO, RLOO) share: the arm's view of the run the
// runner hands them (OnlineArm), the trained parameters by name (a private copy of the base, or a
// LoRA adapter; PPO adds its value head), checkpoints that carry the method's own state beside the
// loop's, training prompts (seen personas on their training questions, a seeded sample), sampling
// K answers per prompt from the current policy with the evaluation's batched generation, and the
// reward model's scores of those answers. An arm with method.start begins at an earlier directional
// arm's policy instead of the base (OnlineStart): every prompt is the marginal one and carries the
// persona's direction as the policy's conditioning vector, and the start policy is the reference.
import type { BuiltinDataset, DataRow, DataSplit } from '../../data';
import type { LlamaModel } from '../../models/llama/model';
import { LoraAdapter } from '../../models/lora/adapter';
import type { PolicyArmResult, PolicyArmSpec, PolicyEvalSpec } from '../../protocol/policy';
import type { RunPhase } from '../../protocol/events';
import type { Backend, Tensor } from '../../tensor';
import type { LogPoint, LoopCheckpoint } from '../../train/loop';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import type { LoadedLm } from '../lm/loaded';
import { resolveSubset } from '../spec/expand';
import { writeAnswers, type Answers, type EvalItem } from './evaluate';
import type { PolicyLayout } from './prompts';
import type { PolicyRewardModel } from './reward';

/** Everything an online method needs from the runner for one arm. */
export interface OnlineArm {
  be: Backend;
  arm: PolicyArmSpec;
  seed: number;
  ds: BuiltinDataset;
  split: DataSplit;
  layout: PolicyLayout;
  /** The base policy: the starting policy, and the reference of PPO's and RLOO's KL penalty. */
  base: LoadedLm;
  /** The run's evaluation prompts (iterative DPO judges the seen ones after every iteration). */
  evalItems: readonly EvalItem[];
  evalSpec: PolicyEvalSpec;
  rewardModel: PolicyRewardModel;
  /** The record's result of this arm: curve, final, iterations are written here as they come. */
  result: PolicyArmResult;
  signal?: AbortSignal;
  assertDevice?(): void;
  checkpointEvery: number;
  /** This arm's checkpoint, if the run is resumed. */
  checkpoint: OnlineCheckpoint | null;
  /** Stores a checkpoint (and the record with it). */
  saveCheckpoint(ck: OnlineCheckpoint): Promise<void>;
  /** `within`: the share of training done, in [0, 1]. */
  progress(phase: RunPhase, within: number, message: string): void;
  /** A logged point: the runner emits it (the trainer has already put it in result.curve). */
  onLog(point: LogPoint): void;
  /** A fresh copy of the base's weights to finetune fully (checked to be the base's). */
  freshBase(): Promise<LoadedLm>;
  /** The directional policy the arm starts from (method.start), or null: it starts from the base. */
  start: OnlineStart | null;
}

/**
 * An online arm's start at a directional policy that writes for personas: its trained weights (a
 * LoRA adapter on the shared base, or a private full copy), frozen, and how a prompt's persona
 * becomes the policy's conditioning vector (u · E at the persona's direction, as the reward model
 * reads it, restricted to the question's objectives).
 */
export interface OnlineStart {
  label: string;
  model: LlamaModel;
  adapter: LoraAdapter | null;
  conditionOf(item: EvalItem): Float32Array;
  /** Classifier-free guidance on the vector when writing (the start arm's method.guidance). */
  guidance: number;
  /** The plausibility constraint when writing (the start arm's method.plausibility). */
  plausibility: number;
}

/** The prompt's attribute subset: none when the persona travels as a vector (a directional start). */
export function promptSubset(o: OnlineArm) {
  return o.start ? resolveSubset({ kind: 'preset', name: 'none' }) : resolveSubset(o.arm.conditioning);
}

/** Per answer row (items × k, item-major), the conditioning vector; undefined without a directional start. */
export function rowConditions(o: OnlineArm, items: readonly EvalItem[], k: number): Float32Array[] | undefined {
  const start = o.start;
  if (!start) return undefined;
  return items.flatMap((it) => {
    const c = start.conditionOf(it);
    return Array.from({ length: k }, () => c);
  });
}

/** What PPO's and RLOO's KL penalty reads: the directional start (with its vectors), or the base. */
export function referencePolicy(o: OnlineArm): TrainedPolicy {
  return o.start ? { model: o.start.model, adapter: o.start.adapter } : { model: o.base.model, adapter: null };
}

/** The model and adapter that answer for a trained arm. */
export interface TrainedPolicy {
  model: LlamaModel;
  adapter: LoraAdapter | null;
}

/** The loop's checkpoint plus the method's own state (JSON- and structured-clone-safe). */
export interface OnlineCheckpoint extends LoopCheckpoint {
  online: { method: string };
}

export class OnlineResumeError extends Error {
  override name = 'OnlineResumeError';
}

/** The trainable parameters by name: the adapter's A and B, or every weight of the private copy. */
export function policyParameters(model: LlamaModel, adapter: LoraAdapter | null): Array<[string, Tensor]> {
  if (!adapter) return model.namedParameters();
  return [...adapter.modules].flatMap(([path, p]): Array<[string, Tensor]> => [
    [`${path}.lora_A`, p.A],
    [`${path}.lora_B`, p.B],
  ]);
}

export async function readParameters(named: ReadonlyArray<[string, Tensor]>): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [name, p] of named) out[name] = (await p.data()) as Float32Array;
  return out;
}

/** Puts saved values back into the parameters, every name required. */
export function restoreParameters(be: Backend, named: ReadonlyArray<[string, Tensor]>, saved: Record<string, Float32Array>): void {
  for (const [name, p] of named) {
    const data = saved[name];
    if (!data || data.length !== p.size) throw new OnlineResumeError(`The checkpoint has no matching ${name}: the model changed; start the run again`);
    const src = be.fromData(data, p.shape);
    be.assign(p, src);
    src.dispose();
  }
}

/** The temperature an online arm samples at (and PPO and RLOO read their log-probs at). */
export function onlineTemperature(a: PolicyArmSpec): number {
  const m = a.method;
  return m.kind === 'iterative-dpo' || m.kind === 'ppo' || m.kind === 'rloo' ? m.temperature : 1;
}

/** Training prompts: a seeded sample of `count` rows of the seen personas' training questions (all when null). */
export function trainingPrompts(split: DataSplit, count: number | null, seed: number, tag: string): EvalItem[] {
  const rows: DataRow[] = new Rng(fnv1a32(`${seed}:online-prompts:${tag}`)).shuffle(split.train.slice());
  return rows.slice(0, count ?? rows.length).map((r) => ({ set: 'seen', personaId: r.personaId, questionId: r.questionId, instruction: r.instruction }));
}

export interface Samples extends Answers {
  /** Per answer (item-major, `k` per prompt): the reward model's score. */
  scores: number[];
}

/**
 * K answers per prompt from the current policy at the method's temperature (item-major: the K of a prompt are
 * contiguous), and the reward model's score of each. Generation runs with dropout off.
 */
export async function sampleAndScore(o: OnlineArm, model: LlamaModel, adapter: LoraAdapter | null, items: readonly EvalItem[], k: number, tag: string, onProgress?: (done: number, total: number) => void): Promise<Samples> {
  const wasTraining = adapter?.training ?? false;
  if (adapter) adapter.training = false;
  try {
    const answers = await writeAnswers(o.be, model, adapter, o.layout, o.ds, promptSubset(o), items, {
      samples: k,
      temperature: onlineTemperature(o.arm),
      conditions: rowConditions(o, items, k),
      guidance: o.start?.guidance,
      plausibility: o.start?.plausibility,
      maxNewTokens: o.evalSpec.maxNewTokens,
      batchSize: o.evalSpec.batchSize,
      seed: fnv1a32(`${o.seed}:online-samples:${o.arm.label}:${tag}`),
      signal: o.signal,
      onProgress,
    });
    return { ...answers, scores: await scoreAnswers(o, items, answers.texts, k) };
  } finally {
    if (adapter) adapter.training = wasTraining;
  }
}

/** The arm's reward model's score of each of `texts`, item-major with `k` answers per item; checked finite. */
export async function scoreAnswers(o: Pick<OnlineArm, 'rewardModel' | 'signal'>, items: readonly EvalItem[], texts: readonly string[], k: number): Promise<number[]> {
  const scoreItems = texts.map((answer, j) => {
    const it = items[Math.floor(j / k)];
    return { personaId: it.personaId, questionId: it.questionId, instruction: it.instruction, answer };
  });
  const scores = await o.rewardModel.score(scoreItems, o.signal);
  if (scores.length !== scoreItems.length) throw new RangeError(`The reward model returned ${scores.length} scores for ${scoreItems.length} answers`);
  const bad = scores.findIndex((s) => !Number.isFinite(s));
  if (bad >= 0) throw new RangeError(`The reward model scored answer ${bad} ${scores[bad]} (not a finite number)`);
  return scores;
}

export const meanOf = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
};

/**
 * The policy an online arm trains: a private copy of the base (full finetuning) or a fresh LoRA
 * adapter on the shared base (seeded as offline DPO's). `owned` gets what the runner disposes.
 */
export async function startPolicy(o: OnlineArm, owned: { lm: LoadedLm | null; adapter: LoraAdapter | null }): Promise<TrainedPolicy> {
  const a = o.arm;
  let policy: TrainedPolicy;
  if (a.train.mode === 'full') {
    owned.lm = await o.freshBase();
    owned.lm.model.unfreeze();
    policy = { model: owned.lm.model, adapter: null };
  } else {
    owned.adapter = LoraAdapter.create(o.be, o.base.model.config, { rank: a.train.lora.rank, alpha: a.train.lora.alpha, dropout: a.train.lora.dropout, targets: a.train.lora.targets }, new Rng(fnv1a32(`${o.seed}:lora:${a.label}`)));
    policy = { model: o.base.model, adapter: owned.adapter };
  }
  // A directional start: a copy of its trained parameters (the spec checked that mode and adapter agree).
  if (o.start) restoreParameters(o.be, policyParameters(policy.model, policy.adapter), await readParameters(policyParameters(o.start.model, o.start.adapter)));
  return policy;
}
