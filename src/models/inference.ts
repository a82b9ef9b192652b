// The inference-only model interface the prompting methods (roleplay, few-shot) read: logits of
// chosen tokens at each row's last token, and log-likelihoods of responses given prompts. Our
// engine's LlamaModel provides it through engineInference; an ONNX decoder run by onnxruntime-web
// provides it too (onnx/onnx-lm.ts), so a spec can pick either for a method that trains nothing.
// Both also generate (a policy run's untrained arms write their answers through it).
import { noGrad } from '../autograd';
import { tidy } from '../tensor';
import type { PromptResponse, TokenBatch } from './batch';
import { generate, type Generation } from './generate/generate';
import type { SamplingOptions } from './generate/sampling';
import { choiceLogits } from './heads';
import type { LlamaModel } from './llama/model';
import { scoreBatches, type ScoreOptions } from './scoring';
import type { TextTokenizer } from './tokenizer';

export interface SequenceScores {
  sum: number[];
  mean: number[];
  tokens: number[];
}

export interface InferenceLm {
  /** Longest sequence the model reads (max_position_embeddings). */
  readonly contextLength: number;
  /** Logits of `tokenIds` at the last real token of each row of a right-padded batch: [B, tokenIds.length], row-major. */
  lastTokenLogits(batch: TokenBatch, tokenIds: readonly number[]): Promise<Float32Array>;
  /** log p(response | prompt) per row: sum and per-token mean (as models/scoring.ts). */
  score(rows: readonly PromptResponse[], o: ScoreOptions): Promise<SequenceScores>;
  /**
   * Continuations of a batch of prompts (token ids), seeded: greedy at temperature 0, else sampled
   * as models/generate/sampling.ts. Absent where a source cannot generate.
   */
  generate?(tokenizer: TextTokenizer, prompts: readonly (readonly number[])[], o: InferenceGenerateOptions): Promise<Pick<Generation, 'ids' | 'text'>[]>;
}

export interface InferenceGenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  seed: number;
  signal?: AbortSignal;
}

/** Our engine's model as an InferenceLm (no gradients; the model stays the caller's). */
export function engineInference(model: LlamaModel): InferenceLm {
  return {
    contextLength: model.config.maxPositionEmbeddings,
    async lastTokenLogits(batch, tokenIds) {
      const logits = noGrad(() => tidy(() => choiceLogits(model, model.hidden(batch.ids, batch.B, batch.T), batch.lengths, tokenIds)));
      try {
        return Float32Array.from((await logits.data()) as Float32Array);
      } finally {
        logits.dispose();
      }
    },
    score: (rows, o) => scoreBatches(model, rows, o),
    generate: (tokenizer, prompts, o) => generate(model, tokenizer, prompts, o),
  };
}
