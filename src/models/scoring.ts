// Likelihood of responses given prompts: per-token log-probs, their sum and per-token mean per
// sequence, with padding masked. Differentiable (DPO's policy and reference log-probs come from
// here) and, through scoreBatches, a plain inference call for likelihood baselines.
import { div, gatherLogProbs, mul, noGrad, reshape, sum } from '../autograd';
import { tidy, type Tensor } from '../tensor';
import { scoringBatch, type PromptResponse, type ScoringBatch } from './batch';
import type { LlamaModel } from './llama/model';
import type { LoraAdapter } from './lora/adapter';

/** log p(target) at each position [B, T], zero where the weight is 0. */
export function tokenLogProbs(model: LlamaModel, batch: ScoringBatch, adapter: LoraAdapter | null = null): Tensor {
  const be = model.backend;
  const { B, T } = batch;
  const logits = model.forward(batch.ids, B, T, { adapter });
  const flat = reshape(logits, [B * T, model.config.vocabSize]);
  const targets = be.fromData(batch.targets, [B * T], 'i32');
  const weights = be.fromData(batch.weights, [B * T]);
  return reshape(mul(gatherLogProbs(flat, targets), weights), [B, T]);
}

/** Sum [B] and per-token mean [B] of the response log-probs. */
export function sequenceLogProbs(model: LlamaModel, batch: ScoringBatch, adapter: LoraAdapter | null = null): { sum: Tensor; mean: Tensor } {
  const perToken = tokenLogProbs(model, batch, adapter);
  const total = sum(perToken, 1);
  const counts = model.backend.fromData(Float32Array.from(batch.responseLengths), [batch.B]);
  return { sum: total, mean: div(total, counts) };
}

export interface ScoreOptions {
  padId: number;
  batchSize?: number;
  maxLength?: number;
  adapter?: LoraAdapter | null;
}

/** Scores many (prompt, response) pairs without gradients, batch by batch. */
export async function scoreBatches(model: LlamaModel, rows: readonly PromptResponse[], o: ScoreOptions): Promise<{ sum: number[]; mean: number[]; tokens: number[] }> {
  const out = { sum: [] as number[], mean: [] as number[], tokens: [] as number[] };
  const size = o.batchSize ?? 8;
  for (let i = 0; i < rows.length; i += size) {
    const batch = scoringBatch(rows.slice(i, i + size), o.padId, o.maxLength);
    const r = noGrad(() => tidy(() => sequenceLogProbs(model, batch, o.adapter ?? null)));
    try {
      out.sum.push(...(await r.sum.data()));
      out.mean.push(...(await r.mean.data()));
      out.tokens.push(...batch.responseLengths);
    } finally {
      r.sum.dispose();
      r.mean.dispose();
    }
  }
  return out;
}
