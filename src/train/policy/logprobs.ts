// Log-probs of responses given prompts on our Llama model, in the layouts the policy losses read:
// per sequence (sum and token count: DPO) and per token over the scoring batch's [B, T] grid with
// the response-token mask (PPO, RLOO). Built on models/scoring's tokenLogProbs, which masks every
// position that does not predict a response token (prompt and padding) and chunks the LM head.
// Chosen and rejected answers go through one forward of 2B rows, as TRL's concatenated_forward.
import { noGrad, slice, sum } from '../../autograd';
import { scoringBatch, type PromptResponse, type ScoringBatch } from '../../models/batch';
import type { ForwardOptions, LlamaModel } from '../../models/llama/model';
import type { LoraAdapter } from '../../models/lora/adapter';
import { tokenLogProbs } from '../../models/scoring';
import { tidy, type Tensor } from '../../tensor';
import type { SideLogps } from './dpo';

export interface LogProbOptions {
  padId: number;
  /** Prompt + response cap; longer rows lose prompt tokens first (models/batch scoringBatch). */
  maxLength?: number;
  /** The policy's adapter; null scores the base model (the reference, when the policy is LoRA). */
  adapter?: LoraAdapter | null;
  maxLogitsBytes?: number;
  /** [B, 1, C] per-row conditioning vectors, or a gated condition (LlamaModel's ForwardOptions.condition), in the rows' order. */
  condition?: ForwardOptions['condition'];
}

export interface ResponseLogps {
  batch: ScoringBatch;
  /** [B, T] log p of each response token at the position that predicts it, 0 elsewhere. */
  tokens: Tensor;
  /** [B] Σ over each row's response tokens. */
  sum: Tensor;
  /** Response tokens per row (after truncation). */
  counts: number[];
  /** [B, T] 1 at the positions `tokens` fills (batch.weights). */
  mask: Float32Array;
}

/** Differentiable when called with gradients on and a trainable model or adapter. */
export function responseLogProbs(model: LlamaModel, rows: readonly PromptResponse[], o: LogProbOptions): ResponseLogps {
  const batch = scoringBatch(rows, o.padId, o.maxLength);
  const tokens = tokenLogProbs(model, batch, o.adapter ?? null, o.maxLogitsBytes, o.condition ?? null);
  return { batch, tokens, sum: sum(tokens, 1), counts: batch.responseLengths, mask: batch.weights };
}

export interface PreferenceRow {
  prompt: readonly number[];
  chosen: readonly number[];
  rejected: readonly number[];
  /** The row's conditioning inputs (a ConditionEmbedding's features), for a policy that has one. */
  condition?: Float32Array;
  /** The weight of the row's preference term in the DPO loss (default 1; dpoLoss's `weights`). */
  weight?: number;
}

/** Chosen and rejected log-prob sums for DPO, from one forward over [chosen..., rejected...]. */
export function pairLogProbs(model: LlamaModel, pairs: readonly PreferenceRow[], o: LogProbOptions): { chosen: SideLogps & { sum: Tensor }; rejected: SideLogps & { sum: Tensor } } {
  const B = pairs.length;
  const rows = [...pairs.map((p) => ({ prompt: p.prompt, response: p.chosen })), ...pairs.map((p) => ({ prompt: p.prompt, response: p.rejected }))];
  const r = responseLogProbs(model, rows, o);
  return {
    chosen: { sum: slice(r.sum, 0, 0, B), counts: r.counts.slice(0, B) },
    rejected: { sum: slice(r.sum, 0, B, 2 * B), counts: r.counts.slice(B) },
  };
}

export interface HostResponseLogps {
  batch: ScoringBatch;
  tokens: Float32Array;
  sum: number[];
  counts: number[];
  mask: Float32Array;
}

/** The same without gradients, read back: reference and rollout log-probs, computed once. */
export async function readResponseLogProbs(model: LlamaModel, rows: readonly PromptResponse[], o: LogProbOptions): Promise<HostResponseLogps> {
  const r = noGrad(() => tidy(() => responseLogProbs(model, rows, o)));
  try {
    const [tokens, sums] = [(await r.tokens.data()) as Float32Array, await r.sum.data()];
    return { batch: r.batch, tokens, sum: Array.from(sums), counts: r.counts, mask: r.mask };
  } finally {
    r.tokens.dispose();
    r.sum.dispose();
  }
}

/** Reference log-prob sums of preference pairs (no gradients), for DpoInputs' reference sides. */
export async function readPairLogProbs(model: LlamaModel, pairs: readonly PreferenceRow[], o: LogProbOptions): Promise<{ chosen: SideLogps; rejected: SideLogps }> {
  const B = pairs.length;
  const rows = [...pairs.map((p) => ({ prompt: p.prompt, response: p.chosen })), ...pairs.map((p) => ({ prompt: p.prompt, response: p.rejected }))];
  const r = await readResponseLogProbs(model, rows, o);
  return {
    chosen: { sum: r.sum.slice(0, B), counts: r.counts.slice(0, B) },
    rejected: { sum: r.sum.slice(B), counts: r.counts.slice(B) },
  };
}
