// An ONNX decoder run by onnxruntime-web (WASM EP, or WebGPU EP in a browser) as an InferenceLm:
// the prompting methods' choice-token logits and response log-likelihoods, and generation with
// the graph's own KV cache (past_key_values in, present out). Batches are right-padded for
// scoring (causal attention: padding after a row's tokens changes nothing before them) and
// left-padded for generation (every row's next token in the same column), with attention_mask
// hiding the padding and position_ids counting real tokens only.
import type * as Ort from 'onnxruntime-web';
import { scoringBatch, type PromptResponse, type TokenBatch } from '../batch';
import type { InferenceLm, SequenceScores } from '../inference';
import type { ScoreOptions } from '../scoring';
import { sampleNext, validateSampling, type SamplingOptions } from '../generate/sampling';
import { StopCriteria, type StopReason } from '../generate/stopping';
import { IncrementalText } from '../generate/incremental-text';
import type { TextTokenizer } from '../tokenizer';
import { Rng } from '../../util/rng';
import type { OnnxDecoderLayout, OnnxModelConfig } from './layout';

export type OrtModule = typeof Ort;
export type OnnxProvider = 'wasm' | 'webgpu';

/** Default cap on one run's [B, T, V] f32 logits (rows of a batch are split to stay under it). */
const MAX_LOGITS_BYTES = 64 * 1024 * 1024;

export class OnnxRunError extends Error {
  override name = 'OnnxRunError';
}

interface Step {
  ids: BigInt64Array;
  B: number;
  T: number;
  /** [B, P + T] */
  mask: BigInt64Array;
  /** [B, T] */
  positions: BigInt64Array;
  past: Ort.Tensor[] | null;
}

export class OnnxLm implements InferenceLm {
  readonly contextLength: number;

  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    readonly config: OnnxModelConfig,
    readonly layout: OnnxDecoderLayout,
    readonly provider: OnnxProvider,
  ) {
    this.contextLength = config.contextLength;
  }

  /** A session on `bytes` (an .onnx file already checked by layout.ts). */
  static async create(ort: OrtModule, bytes: Uint8Array, config: OnnxModelConfig, layout: OnnxDecoderLayout, provider: OnnxProvider): Promise<OnnxLm> {
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' });
    } catch (e) {
      throw new OnnxRunError(`onnxruntime-web (${provider}) could not load the model: ${(e as Error).message}`);
    }
    return new OnnxLm(ort, session, config, layout, provider);
  }

  /** One session run; returns logits [B, T, V] and the present key/values (kept as tensors). */
  private async run(s: Step): Promise<{ logits: Float32Array; present: Ort.Tensor[] }> {
    const { ort, layout } = this;
    const feeds: Record<string, Ort.Tensor> = {
      input_ids: new ort.Tensor('int64', s.ids, [s.B, s.T]),
      attention_mask: new ort.Tensor('int64', s.mask, [s.B, s.mask.length / s.B]),
    };
    if (layout.positionIds) feeds.position_ids = new ort.Tensor('int64', s.positions, [s.B, s.T]);
    for (let i = 0; i < layout.numLayers; i++) {
      const empty = () => new ort.Tensor('float32', new Float32Array(0), [s.B, layout.kvHeads, 0, layout.headDim]);
      feeds[`past_key_values.${i}.key`] = s.past ? s.past[2 * i] : empty();
      feeds[`past_key_values.${i}.value`] = s.past ? s.past[2 * i + 1] : empty();
    }
    let out: Ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(feeds);
    } catch (e) {
      throw new OnnxRunError(`onnxruntime-web (${this.provider}) failed on a batch of ${s.B} x ${s.T} tokens: ${(e as Error).message}`);
    }
    const present: Ort.Tensor[] = [];
    for (let i = 0; i < layout.numLayers; i++) present.push(out[`present.${i}.key`] as Ort.Tensor, out[`present.${i}.value`] as Ort.Tensor);
    const logits = out.logits as Ort.Tensor;
    const data = (logits.location === 'cpu' ? logits.data : await logits.getData()) as Float32Array;
    return { logits: data, present };
  }

  /** Logits [B, T, V] of a right-padded batch (no cache). */
  async logits(batch: TokenBatch): Promise<Float32Array> {
    const { B, T } = batch;
    const ids = new BigInt64Array(B * T);
    const mask = new BigInt64Array(B * T);
    const positions = new BigInt64Array(B * T);
    for (let i = 0; i < B * T; i++) {
      ids[i] = BigInt(batch.ids[i]);
      mask[i] = batch.mask[i] > 0 ? 1n : 0n;
      positions[i] = BigInt(i % T);
    }
    const { logits, present } = await this.run({ ids, B, T, mask, positions, past: null });
    for (const t of present) t.dispose();
    return logits;
  }

  async lastTokenLogits(batch: TokenBatch, tokenIds: readonly number[]): Promise<Float32Array> {
    const V = this.config.vocabSize;
    const out = new Float32Array(batch.B * tokenIds.length);
    await this.byRows(batch.B, batch.T, async (b0, b1) => {
      const logits = await this.logits(sliceRows(batch, b0, b1));
      for (let b = b0; b < b1; b++) {
        const row = ((b - b0) * batch.T + batch.lengths[b] - 1) * V;
        tokenIds.forEach((id, j) => (out[b * tokenIds.length + j] = logits[row + id]));
      }
    });
    return out;
  }

  async score(rows: readonly PromptResponse[], o: ScoreOptions): Promise<SequenceScores> {
    if (o.adapter) throw new OnnxRunError('an ONNX model takes no LoRA adapter');
    const out: SequenceScores = { sum: [], mean: [], tokens: [] };
    const size = o.batchSize ?? 8;
    const V = this.config.vocabSize;
    for (let i = 0; i < rows.length; i += size) {
      const batch = scoringBatch(rows.slice(i, i + size), o.padId, o.maxLength);
      const sums = new Array<number>(batch.B).fill(0);
      await this.byRows(batch.B, batch.T, async (b0, b1) => {
        const logits = await this.logits(sliceRows(batch, b0, b1));
        for (let b = b0; b < b1; b++) {
          for (let t = 0; t < batch.T; t++) {
            const k = b * batch.T + t;
            if (batch.weights[k] === 0) continue;
            sums[b] += logSoftmaxAt(logits, ((b - b0) * batch.T + t) * V, V, batch.targets[k]) * batch.weights[k];
          }
        }
      });
      for (let b = 0; b < batch.B; b++) {
        out.sum.push(sums[b]);
        out.mean.push(sums[b] / batch.responseLengths[b]);
        out.tokens.push(batch.responseLengths[b]);
      }
    }
    return out;
  }

  /** Runs rows [b0, b1) at a time so one run's logits stay under MAX_LOGITS_BYTES. */
  private async byRows(B: number, T: number, fn: (b0: number, b1: number) => Promise<void>): Promise<void> {
    const per = Math.max(1, Math.floor(MAX_LOGITS_BYTES / (T * this.config.vocabSize * 4)));
    for (let b0 = 0; b0 < B; b0 += per) await fn(b0, Math.min(B, b0 + per));
  }

  /**
   * Generates for a batch of prompts with the graph's KV cache: the prompts run once (left-padded),
   * then one new token per row per run, the present key/values fed back as the next past.
   */
  async generate(tokenizer: TextTokenizer, prompts: readonly (readonly number[])[], o: OnnxGenerateOptions): Promise<OnnxGeneration[]> {
    validateSampling(o);
    if (prompts.length === 0) return [];
    const B = prompts.length;
    const V = this.config.vocabSize;
    const padId = tokenizer.padId;
    const stop = new StopCriteria({ eosIds: tokenizer.eosIds, stopStrings: o.stopStrings, maxNewTokens: o.maxNewTokens });
    const rngs = prompts.map((_, b) => new Rng(o.seed).fork(`row-${b}`));
    const T0 = Math.max(...prompts.map((p) => p.length));
    if (T0 + o.maxNewTokens > this.contextLength) throw new OnnxRunError(`a prompt of ${T0} tokens and ${o.maxNewTokens} new ones exceed the model's context of ${this.contextLength}`);
    const masks: number[][] = prompts.map((p) => [...new Array<number>(T0 - p.length).fill(0), ...new Array<number>(p.length).fill(1)]);
    const counts = prompts.map((p) => p.length);
    const out: OnnxGeneration[] = prompts.map(() => ({ ids: [], text: '', reason: 'length' }));
    const done = new Array<boolean>(B).fill(false);
    const texts = prompts.map(() => new IncrementalText(tokenizer));
    let ids = BigInt64Array.from(prompts.flatMap((p) => [...new Array<number>(T0 - p.length).fill(padId), ...p]), BigInt);
    // Row b's padding is its first T0 - length columns: positions count from its first real token.
    let positions = BigInt64Array.from(prompts.flatMap((p) => Array.from({ length: T0 }, (_, s) => Math.max(0, s - (T0 - p.length)))), BigInt);
    let T = T0;
    let past: Ort.Tensor[] | null = null;
    try {
      for (let step = 0; step < o.maxNewTokens; step++) {
        if (o.signal?.aborted) {
          for (let b = 0; b < B; b++) if (!done[b]) out[b].reason = 'aborted';
          break;
        }
        const mask = BigInt64Array.from(masks.flat(), BigInt);
        const r: { logits: Float32Array; present: Ort.Tensor[] } = await this.run({ ids, B, T, mask, positions, past });
        if (past) for (const t of past) t.dispose();
        past = r.present;
        const next = new Array<number>(B).fill(padId);
        for (let b = 0; b < B; b++) {
          if (done[b]) continue;
          const row = r.logits.subarray(((b + 1) * T - 1) * V, (b + 1) * T * V);
          const id = sampleNext(row, o, rngs[b]);
          next[b] = id;
          out[b].ids.push(id);
          const text = texts[b].push(id);
          o.onToken?.(b, id, text);
          const why = stop.check(out[b].ids, text);
          if (why) {
            done[b] = true;
            out[b].reason = why;
          }
        }
        if (done.every(Boolean)) break;
        // A finished row keeps running on filler tokens (rows are independent); its output is not read.
        for (let b = 0; b < B; b++) {
          masks[b].push(1);
          counts[b]++;
        }
        ids = BigInt64Array.from(next, BigInt);
        positions = BigInt64Array.from(counts, (n) => BigInt(n - 1));
        T = 1;
      }
    } finally {
      if (past) for (const t of past) t.dispose();
    }
    for (let b = 0; b < B; b++) out[b].text = stop.finalText(tokenizer.decode(out[b].ids, { skipSpecialTokens: true }));
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

export interface OnnxGenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  seed: number;
  stopStrings?: readonly string[];
  onToken?: (row: number, id: number, text: string) => void;
  signal?: AbortSignal;
}

export interface OnnxGeneration {
  ids: number[];
  text: string;
  reason: StopReason | 'aborted';
}

function sliceRows(batch: TokenBatch, b0: number, b1: number): TokenBatch {
  if (b0 === 0 && b1 === batch.B) return batch;
  const { T } = batch;
  return { B: b1 - b0, T, ids: batch.ids.slice(b0 * T, b1 * T), mask: batch.mask.slice(b0 * T, b1 * T), lengths: batch.lengths.slice(b0, b1) };
}

/** log softmax(logits[at .. at + V])[target], in f64. */
function logSoftmaxAt(logits: Float32Array, at: number, V: number, target: number): number {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[at + v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[at + v] - max);
  return logits[at + target] - max - Math.log(sum);
}
