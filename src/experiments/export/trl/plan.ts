// What each arm of a spec becomes in TRL: a RewardTrainer run (reward-model arms), a DPOTrainer
// run (offline DPO policy arms), or nothing, with the reason (arms that do not train, and methods
// TRL's stable trainers do not run the way the lab specifies them). Plain data; the script, the
// README and the dataset files are all written from it.
import type { PolicyArmSpec, PolicySpec } from '../../../protocol/policy';
import type { ExpandedArm, ExperimentSpec } from '../../../protocol/spec';
import { expandArms, subsetName } from '../../spec/expand';

export interface LoraPlan {
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: string[];
}

/** TrainingArguments shared by RewardConfig and DPOConfig, from the spec's train section. */
export interface TrainArgs {
  num_train_epochs: number;
  /** The lab's batch size is global: the script divides it over the processes. */
  global_batch_size: number;
  learning_rate: number;
  weight_decay: number;
  /** 0 disables clipping in transformers' Trainer (the lab's null). */
  max_grad_norm: number;
  logging_steps: number;
  max_length: number;
}

export interface PlannedArm {
  label: string;
  /** File-safe name: the data folder and the --arm value. */
  slug: string;
  subset: string;
  trainer: 'reward' | 'dpo';
  /** 'lora': a PEFT adapter; 'full': every weight; 'head': the trunk frozen, only the score head trains. */
  mode: 'lora' | 'full' | 'head';
  lora: LoraPlan | null;
  args: TrainArgs;
  /** DPOConfig's own fields (DPO arms only). */
  dpo?: { beta: number; loss_type: string; label_smoothing: number; rpo_alpha: number | null };
  /** What differs from the lab's arm, said in the README. */
  notes: string[];
}

export interface SkippedArm {
  label: string;
  reason: string;
}

export interface ExportPlan {
  kind: 'experiment' | 'policy';
  name: string;
  seed: number;
  /** The base model the lab used, in words (the script takes --model). */
  base: string;
  arms: PlannedArm[];
  skipped: SkippedArm[];
}

export class TrlExportError extends Error {
  override name = 'TrlExportError';
}

const LAB_TARGETS = ['q_proj', 'v_proj'];

export function slugOf(label: string, taken: Set<string>): string {
  const base = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'arm';
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

function experimentArm(a: ExpandedArm, taken: Set<string>): PlannedArm | SkippedArm {
  if (a.method.kind !== 'reward-model') return { label: a.label, reason: `${a.method.kind} does not train (nothing for TRL to run)` };
  const t = a.train;
  const notes: string[] = [];
  let mode: PlannedArm['mode'];
  let lora: LoraPlan | null = null;
  let maxLength = 512;
  if (a.model.kind === 'lm') {
    maxLength = a.model.maxTokens;
    mode = a.model.mode === 'frozen' ? 'head' : a.model.mode;
    if (a.model.mode === 'lora') lora = { r: a.model.lora.rank, lora_alpha: a.model.lora.alpha, lora_dropout: a.model.lora.dropout, target_modules: LAB_TARGETS };
    if (a.model.input === 'separate') notes.push("the lab's arm encodes persona and response separately with a bilinear head; TRL's reward model reads them as one sequence (joint)");
  } else {
    mode = 'lora';
    lora = { r: 8, lora_alpha: 16, lora_dropout: 0.05, target_modules: LAB_TARGETS };
    notes.push(`the lab's arm is a features model (${a.model.dims} dims, no language model); TRL trains a language-model reward model, here with LoRA r8 on q_proj, v_proj`);
  }
  if (a.method.loss === 'pairwise') notes.push("the lab's pairwise loss is trained as TRL's Bradley–Terry loss (-log σ(r_chosen − r_rejected))");
  return {
    label: a.label,
    slug: slugOf(a.label, taken),
    subset: subsetName(a.subset),
    trainer: 'reward',
    mode,
    lora,
    args: { num_train_epochs: t.epochs, global_batch_size: t.batchSize, learning_rate: t.lr, weight_decay: t.weightDecay, max_grad_norm: t.clipNorm ?? 0, logging_steps: t.logEvery, max_length: maxLength },
    notes,
  };
}

function policyArm(a: PolicyArmSpec, taken: Set<string>, base: PolicySpec['base']): PlannedArm | SkippedArm {
  const m = a.method;
  if (m.kind === 'roleplay' || m.kind === 'few-shot') return { label: a.label, reason: `${m.kind} does not train (nothing for TRL to run)` };
  if (m.kind !== 'dpo') return { label: a.label, reason: `${m.kind} is not exported: the lab does not run it yet, and TRL's online trainers (OnlineDPOTrainer, PPOTrainer, RLOOTrainer) need a reward model this export cannot ship` };
  if (m.loss === 'simpo') return { label: a.label, reason: "SimPO is not a DPOTrainer loss (TRL runs it in CPOTrainer with loss_type='simpo'); not exported" };
  const t = a.train;
  const notes: string[] = [];
  if (m.loss === 'rpo') notes.push("RPO runs as DPOTrainer's sigmoid loss with rpo_alpha (the NLL weight on chosen answers)");
  if (base.kind === 'builtin') notes.push("the lab's built-in persona-reading model writes a style line before each answer; the exported answers are the answers alone, in the chat template of --model");
  return {
    label: a.label,
    slug: slugOf(a.label, taken),
    subset: subsetName(a.conditioning),
    trainer: 'dpo',
    mode: t.mode,
    lora: t.mode === 'lora' ? { r: t.lora.rank, lora_alpha: t.lora.alpha, lora_dropout: t.lora.dropout, target_modules: LAB_TARGETS } : null,
    args: { num_train_epochs: t.epochs, global_batch_size: t.batchSize, learning_rate: t.lr, weight_decay: t.weightDecay, max_grad_norm: t.clipNorm ?? 0, logging_steps: t.logEvery, max_length: t.maxLength },
    dpo: { beta: m.beta, loss_type: m.loss === 'rpo' ? 'sigmoid' : m.loss, label_smoothing: m.labelSmoothing, rpo_alpha: m.loss === 'rpo' ? m.rpoAlpha : null },
    notes,
  };
}

function finish(p: ExportPlan): ExportPlan {
  if (p.arms.length === 0) throw new TrlExportError(`"${p.name}" has no arm TRL can train (${p.skipped.map((s) => `${s.label}: ${s.reason}`).join('; ')}); export a spec with a reward-model or DPO arm`);
  return p;
}

export function planExperiment(spec: ExperimentSpec): ExportPlan {
  const taken = new Set<string>();
  const planned = expandArms(spec).map((a) => ({ arm: a, plan: experimentArm(a, taken) }));
  const arms = planned.filter((x) => 'trainer' in x.plan).map((x) => x.plan as PlannedArm);
  const skipped = planned.filter((x) => !('trainer' in x.plan)).map((x) => x.plan as SkippedArm);
  const lm = spec.arms.some((a) => a.model.kind === 'lm');
  return finish({ kind: 'experiment', name: spec.name, seed: spec.seed, base: lm ? "the lab's built-in model (public/models/builtin)" : 'none (features models)', arms, skipped });
}

export function planPolicy(spec: PolicySpec): ExportPlan {
  const taken = new Set<string>();
  const planned = spec.arms.map((a) => policyArm(a, taken, spec.base));
  const base = spec.base.kind === 'path' ? spec.base.path : spec.base.kind === 'onnx' ? `the ONNX model ${spec.base.onnx} (inference only: its arms are prompting baselines)` : spec.base.kind === 'builtin' ? "the lab's built-in model (public/models/builtin)" : "the lab's built-in policy (public/models/builtin-policy)";
  return finish({ kind: 'policy', name: spec.name, seed: spec.seed, base, arms: planned.filter((p): p is PlannedArm => 'trainer' in p), skipped: planned.filter((p): p is SkippedArm => !('trainer' in p)) });
}

/** The arms of `spec` in the order of `plan.arms` (experiment arms after sweep expansion). */
export function plannedExperimentArms(spec: ExperimentSpec, plan: ExportPlan): ExpandedArm[] {
  const byLabel = new Map(expandArms(spec).map((a) => [a.label, a]));
  return plan.arms.map((p) => byLabel.get(p.label)!);
}
