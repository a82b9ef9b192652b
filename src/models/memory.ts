// How much memory a model needs before a byte of it is loaded, and a clear refusal when it cannot
// fit the adapter. Weights live on the device as f32 (what our kernels read), so a bf16
// checkpoint takes twice its file size. A storage buffer cannot exceed the adapter's
// maxStorageBufferBindingSize or maxBufferSize, so the largest single tensor (usually the [V, C]
// embedding) and the [B, T, V] logits are what usually decide.
import type { CapabilityReport } from '../gpu/capabilities';
import { parameterCount, type ModelConfig } from './config';
import { ModelTooLargeError } from './errors';

export interface MemoryOptions {
  /** Sequences per forward pass. */
  batch?: number;
  /** Tokens per sequence. */
  seqLen?: number;
  /** What is trained: nothing (inference), LoRA adapters of `loraRank`, or every weight. */
  training?: 'none' | 'lora' | 'full';
  loraRank?: number;
  /** Number of adapted projections per layer for LoRA (q, v by default). */
  loraTargetsPerLayer?: number;
}

export interface MemoryEstimate {
  parameters: number;
  /** All weights as f32. */
  weightBytes: number;
  /** The largest single weight (one storage buffer). */
  largestTensor: { name: string; bytes: number };
  /** The [B, T, V] logits of one forward pass. */
  logitsBytes: number;
  /** Keys and values of every layer for B x T tokens (generation). */
  kvCacheBytes: number;
  /** Activations kept for the backward pass (zero for inference: freed layer by layer). */
  activationBytes: number;
  /** Gradients and AdamW moments of the trained weights. */
  optimizerBytes: number;
  totalBytes: number;
}

const F32 = 4;

export function estimateMemory(c: ModelConfig, opts: MemoryOptions = {}): MemoryEstimate {
  const B = opts.batch ?? 1;
  const T = opts.seqLen ?? 512;
  const training = opts.training ?? 'none';
  const C = c.hiddenSize;
  const parameters = parameterCount(c);
  const embedBytes = c.vocabSize * C * F32;
  const mlpBytes = C * c.intermediateSize * F32;
  const largestTensor = embedBytes >= mlpBytes ? { name: 'model.embed_tokens.weight', bytes: embedBytes } : { name: 'mlp.*_proj.weight', bytes: mlpBytes };
  const logitsBytes = B * T * c.vocabSize * F32;
  const kvCacheBytes = 2 * c.numLayers * B * c.numKvHeads * T * c.headDim * F32;
  // Per layer the backward keeps roughly: 2 norm inputs, q, k, v, attention out, the MLP's gate,
  // up and product (3 x I), and the residual; attention itself is recomputed (flash-style).
  const qDim = c.numHeads * c.headDim;
  const kvDim = c.numKvHeads * c.headDim;
  const perLayer = B * T * (3 * C + qDim + 2 * kvDim + qDim + 3 * c.intermediateSize) * F32;
  const activationBytes = training === 'none' ? 0 : c.numLayers * perLayer + 2 * logitsBytes;
  let trained = 0;
  if (training === 'full') trained = parameters;
  else if (training === 'lora') {
    const r = opts.loraRank ?? 8;
    const targets = opts.loraTargetsPerLayer ?? 2;
    trained = c.numLayers * targets * r * (C + Math.max(qDim, C));
  }
  const optimizerBytes = 3 * trained * F32;
  const weightBytes = parameters * F32;
  return {
    parameters,
    weightBytes,
    largestTensor,
    logitsBytes,
    kvCacheBytes,
    activationBytes,
    optimizerBytes,
    totalBytes: weightBytes + logitsBytes + kvCacheBytes + activationBytes + optimizerBytes,
  };
}

export type AdapterLimits = Pick<CapabilityReport['limits'], 'maxBufferSize' | 'maxStorageBufferBindingSize'>;

/**
 * Throws ModelTooLargeError when a single buffer would exceed the adapter's limits, or the total
 * exceeds `budgetBytes` (what the caller knows of the device's memory; WebGPU does not report it).
 */
export function checkFits(e: MemoryEstimate, limits: AdapterLimits, budgetBytes?: number): void {
  const perBuffer = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  const limitName = limits.maxStorageBufferBindingSize <= limits.maxBufferSize ? 'maxStorageBufferBindingSize' : 'maxBufferSize';
  if (e.largestTensor.bytes > perBuffer) {
    throw new ModelTooLargeError(`The weight ${e.largestTensor.name} (as f32)`, e.largestTensor.bytes, perBuffer, limitName);
  }
  if (e.logitsBytes > perBuffer) {
    throw new ModelTooLargeError('The logits of one batch (batch x tokens x vocab, f32)', e.logitsBytes, perBuffer, `${limitName} (use a smaller batch or shorter sequences)`);
  }
  if (budgetBytes !== undefined && e.totalBytes > budgetBytes) {
    throw new ModelTooLargeError('The model with its activations and optimizer state', e.totalBytes, budgetBytes, 'memory budget');
  }
}
