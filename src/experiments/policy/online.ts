// What the online Stage-2 methods (iterative DPO, PPO, RLOO) share: the arm's view of the run the
// runner hands them (OnlineArm), the trained parameters by name (a private copy of the base, or a
// LoRA adapter; PPO adds its value head), checkpoints that carry the method's own state beside the
// loop's, training prompts (seen personas on their training questions, a seeded sample), sampling
// K answers per prompt from the current policy with the evaluation's batched generation, and the
// reward model's scores of those answers.
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
 * K answers per prompt from the current policy at temperature 1 (item-major: the K of a prompt are
 * contiguous), and the reward model's score of each. Generation runs with dropout off.
 */
export async function sampleAndScore(o: OnlineArm, model: LlamaModel, adapter: LoraAdapter | null, items: readonly EvalItem[], k: number, tag: string, onProgress?: (done: number, total: number) => void): Promise<Samples> {
  const wasTraining = adapter?.training ?? false;
  if (adapter) adapter.training = false;
  try {
    const answers = await writeAnswers(o.be, model, adapter, o.layout, o.ds, resolveSubset(o.arm.conditioning), items, {
      samples: k,
      temperature: 1,
      maxNewTokens: o.evalSpec.maxNewTokens,
      batchSize: o.evalSpec.batchSize,
      seed: fnv1a32(`${o.seed}:online-samples:${o.arm.label}:${tag}`),
      signal: o.signal,
      onProgress,
    });
    const scoreItems = answers.texts.map((answer, j) => {
      const it = items[Math.floor(j / k)];
      return { personaId: it.personaId, questionId: it.questionId, instruction: it.instruction, answer };
    });
    const scores = await o.rewardModel.score(scoreItems, o.signal);
    if (scores.length !== scoreItems.length) throw new RangeError(`The reward model returned ${scores.length} scores for ${scoreItems.length} answers`);
    const bad = scores.findIndex((s) => !Number.isFinite(s));
    if (bad >= 0) throw new RangeError(`The reward model scored answer ${bad} ${scores[bad]} (not a finite number)`);
    return { ...answers, scores };
  } finally {
    if (adapter) adapter.training = wasTraining;
  }
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
  if (a.train.mode === 'full') {
    owned.lm = await o.freshBase();
    owned.lm.model.unfreeze();
    return { model: owned.lm.model, adapter: null };
  }
  owned.adapter = LoraAdapter.create(o.be, o.base.model.config, { rank: a.train.lora.rank, alpha: a.train.lora.alpha, dropout: a.train.lora.dropout, targets: a.train.lora.targets }, new Rng(fnv1a32(`${o.seed}:lora:${a.label}`)));
  return { model: o.base.model, adapter: owned.adapter };
}
