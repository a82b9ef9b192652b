// Likelihood of responses given prompts: per-token log-probs, their sum and per-token mean per
// sequence, with padding masked. Differentiable (DPO's policy and reference log-probs come from
// here) and, through scoreBatches, a plain inference call for likelihood baselines.
import { concat, div, gatherLogProbs, mul, noGrad, reshape, slice, sum } from '../autograd';
import { tidy, type Tensor } from '../tensor';
import { scoringBatch, type PromptResponse, type ScoringBatch } from './batch';
import type { ForwardOptions, LlamaModel } from './llama/model';
import type { LoraAdapter } from './lora/adapter';

/** Default cap on one chunk of logits: [B, t, V] f32 stays under it. */
export const DEFAULT_MAX_LOGITS_BYTES = 64 * 1024 * 1024;

/**
 * log p(target) at each position [B, T], zero where the weight is 0. The LM head runs over time
 * chunks whose [B, t, V] logits fit `maxLogitsBytes` (a 150k vocabulary makes full logits the
 * largest tensor by far), and not at all over chunks with no response token (the prompt).
 */
export function tokenLogProbs(model: LlamaModel, batch: ScoringBatch, adapter: LoraAdapter | null = null, maxLogitsBytes = DEFAULT_MAX_LOGITS_BYTES, condition: ForwardOptions['condition'] = null): Tensor {
  return tokenLogProbsOf(model, batch, model.hidden(batch.ids, batch.B, batch.T, { adapter, condition }), maxLogitsBytes);
}

/** The same from hidden states [B, T, C] already computed (a value head reads them too: PPO). */
export function tokenLogProbsOf(model: LlamaModel, batch: ScoringBatch, hidden: Tensor, maxLogitsBytes = DEFAULT_MAX_LOGITS_BYTES): Tensor {
  const be = model.backend;
  const { B, T } = batch;
  const V = model.config.vocabSize;
  const step = Math.max(1, Math.min(T, Math.floor(maxLogitsBytes / (B * V * 4))));
  const chunks: Tensor[] = [];
  for (let t0 = 0; t0 < T; t0 += step) {
    const t1 = Math.min(T, t0 + step);
    const n = t1 - t0;
    const targets = new Int32Array(B * n);
    const weights = new Float32Array(B * n);
    for (let b = 0; b < B; b++) {
      targets.set(batch.targets.subarray(b * T + t0, b * T + t1), b * n);
      weights.set(batch.weights.subarray(b * T + t0, b * T + t1), b * n);
    }
    if (!weights.some((w) => w !== 0)) {
      chunks.push(be.zeros([B, n]));
      continue;
    }
    const h = n === T ? hidden : slice(hidden, 1, t0, t1);
    const logits = reshape(model.logits(h), [B * n, V]);
    const logps = gatherLogProbs(logits, be.fromData(targets, [B * n], 'i32'));
    chunks.push(reshape(mul(logps, be.fromData(weights, [B * n])), [B, n]));
  }
  return chunks.length === 1 ? chunks[0] : concat(chunks, 1);
}

/** Sum [B] and per-token mean [B] of the response log-probs. */
export function sequenceLogProbs(
  model: LlamaModel,
  batch: ScoringBatch,
  adapter: LoraAdapter | null = null,
  maxLogitsBytes = DEFAULT_MAX_LOGITS_BYTES,
): { sum: Tensor; mean: Tensor } {
  const perToken = tokenLogProbs(model, batch, adapter, maxLogitsBytes);
  const total = sum(perToken, 1);
  const counts = model.backend.fromData(Float32Array.from(batch.responseLengths), [batch.B]);
  return { sum: total, mean: div(total, counts) };
}

export interface ScoreOptions {
  padId: number;
  batchSize?: number;
  maxLength?: number;
  adapter?: LoraAdapter | null;
  maxLogitsBytes?: number;
}

/** Scores many (prompt, response) pairs without gradients, batch by batch. */
export async function scoreBatches(model: LlamaModel, rows: readonly PromptResponse[], o: ScoreOptions): Promise<{ sum: number[]; mean: number[]; tokens: number[] }> {
  const out = { sum: [] as number[], mean: [] as number[], tokens: [] as number[] };
  const size = o.batchSize ?? 8;
  for (let i = 0; i < rows.length; i += size) {
    const batch = scoringBatch(rows.slice(i, i + size), o.padId, o.maxLength);
    const r = noGrad(() => tidy(() => sequenceLogProbs(model, batch, o.adapter ?? null, o.maxLogitsBytes)));
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
