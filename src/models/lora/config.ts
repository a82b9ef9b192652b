// LoRA settings (rank, alpha, dropout, target projections), their validation, the modules of a
// model they adapt, and the initial A/B weights (A uniform as PEFT's kaiming init, B zero, so an
// untrained adapter leaves the base model unchanged).
import type { Rng } from '../../util/rng';
import type { ModelConfig } from '../config';
import { ModelError } from '../errors';

export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export interface LoraConfig {
  rank: number;
  alpha: number;
  /** Dropout on the adapter's input during training (0 to 1). */
  dropout: number;
  targets: LoraTarget[];
  /** Rank-stabilized scaling alpha / sqrt(rank) instead of alpha / rank. */
  rslora?: boolean;
}

export class LoraConfigError extends ModelError {
  override name = 'LoraConfigError';
}

export const DEFAULT_LORA: LoraConfig = { rank: 8, alpha: 16, dropout: 0.05, targets: ['q_proj', 'v_proj'] };

export function validateLoraConfig(c: LoraConfig): LoraConfig {
  if (!Number.isInteger(c.rank) || c.rank < 1) throw new LoraConfigError(`LoRA rank must be a positive integer, not ${c.rank}`);
  if (!(c.alpha > 0 && Number.isFinite(c.alpha))) throw new LoraConfigError(`LoRA alpha must be positive, not ${c.alpha}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new LoraConfigError(`LoRA dropout must be in [0, 1), not ${c.dropout}`);
  if (c.targets.length === 0) throw new LoraConfigError('LoRA needs at least one target module');
  const bad = c.targets.filter((t) => !(LORA_TARGETS as readonly string[]).includes(t));
  if (bad.length > 0) throw new LoraConfigError(`unknown LoRA target${bad.length > 1 ? 's' : ''} ${bad.join(', ')}; choose from ${LORA_TARGETS.join(', ')}`);
  return { ...c, targets: [...new Set(c.targets)] };
}

export function loraScale(c: LoraConfig): number {
  return c.rslora ? c.alpha / Math.sqrt(c.rank) : c.alpha / c.rank;
}

export interface LoraModule {
  /** The adapted projection's path in the checkpoint, e.g. 'model.layers.0.self_attn.q_proj'. */
  path: string;
  target: LoraTarget;
  inFeatures: number;
  outFeatures: number;
}

/** Every projection `c` adapts in a model of `m`, layer by layer. */
export function loraModules(m: ModelConfig, c: LoraConfig): LoraModule[] {
  const C = m.hiddenSize;
  const q = m.numHeads * m.headDim;
  const kv = m.numKvHeads * m.headDim;
  const I = m.intermediateSize;
  const dims: Record<LoraTarget, [string, number, number]> = {
    q_proj: ['self_attn', C, q],
    k_proj: ['self_attn', C, kv],
    v_proj: ['self_attn', C, kv],
    o_proj: ['self_attn', q, C],
    gate_proj: ['mlp', C, I],
    up_proj: ['mlp', C, I],
    down_proj: ['mlp', I, C],
  };
  const out: LoraModule[] = [];
  for (let l = 0; l < m.numLayers; l++) {
    for (const target of LORA_TARGETS) {
      if (!c.targets.includes(target)) continue;
      const [block, inFeatures, outFeatures] = dims[target];
      out.push({ path: `model.layers.${l}.${block}.${target}`, target, inFeatures, outFeatures });
    }
  }
  return out;
}

export interface LoraWeights {
  /** [rank, in] */
  A: Float32Array;
  /** [out, rank] */
  B: Float32Array;
}

/** A ~ U(-1/sqrt(in), 1/sqrt(in)) (PEFT's kaiming_uniform with a = sqrt(5)), B = 0. */
export function initLoraWeights(modules: readonly LoraModule[], c: LoraConfig, rng: Rng): Map<string, LoraWeights> {
  const out = new Map<string, LoraWeights>();
  for (const m of modules) {
    const bound = 1 / Math.sqrt(m.inFeatures);
    out.set(m.path, { A: rng.float32(c.rank * m.inFeatures, { uniform: [-bound, bound] }), B: new Float32Array(m.outFeatures * c.rank) });
  }
  return out;
}

/** Trainable parameters of an adapter. */
export function loraParameterCount(modules: readonly LoraModule[], c: LoraConfig): number {
  return modules.reduce((n, m) => n + c.rank * (m.inFeatures + m.outFeatures), 0);
}
