// One call from checkpoint files (picked, cached or on disk) to a ready model: open the files,
// check the tokenizer against the config, estimate memory and refuse what cannot fit the adapter,
// and only then read the weights onto the backend.
import type { Backend } from '../tensor';
import { openCheckpoint, type CheckpointFiles } from './checkpoint';
import type { ModelConfig } from './config';
import type { LoadProgress } from './llama/load';
import { LlamaModel } from './llama/model';
import { checkFits, estimateMemory, type AdapterLimits, type MemoryEstimate, type MemoryOptions } from './memory';
import type { TextTokenizer } from './tokenizer';

export interface LoadModelOptions {
  /** The adapter's limits (GpuContext.report.limits); omitted on the cpu backend. */
  limits?: AdapterLimits;
  /** A total memory budget in bytes, when the caller knows one. */
  budgetBytes?: number;
  /** Sizes of the intended use, for the estimate (default: inference, 1 x 512). */
  memory?: MemoryOptions;
  onProgress?: (p: LoadProgress) => void;
}

export interface LoadedModel {
  model: LlamaModel;
  tokenizer: TextTokenizer;
  config: ModelConfig;
  estimate: MemoryEstimate;
}

export async function loadModel(backend: Backend, files: CheckpointFiles, o: LoadModelOptions = {}): Promise<LoadedModel> {
  const ck = await openCheckpoint(files);
  const estimate = estimateMemory(ck.config, o.memory);
  if (o.limits) checkFits(estimate, o.limits, o.budgetBytes);
  else if (o.budgetBytes !== undefined) checkFits(estimate, { maxBufferSize: Infinity, maxStorageBufferBindingSize: Infinity }, o.budgetBytes);
  const model = await LlamaModel.load(backend, ck.config, ck.weights, o.onProgress);
  return { model, tokenizer: ck.tokenizer, config: ck.config, estimate };
}
