// The language model an arm reads (roleplay, few-shot, LM reward models): the model on the run's
// backend and its tokenizer. Where it comes from is the environment's business (the app fetches
// the built-in model's files, the CLI reads them from public/models/builtin).
import { engineInference, type InferenceLm } from '../../models/inference';
import type { LlamaModel } from '../../models/llama/model';
import type { TextTokenizer } from '../../models/tokenizer';
import type { Backend } from '../../tensor';
import type { OnnxRuntimeInfo } from '../../protocol/record';

export interface LoadedLm {
  name: string;
  model: LlamaModel;
  tokenizer: TextTokenizer;
  /** The built-in model (trained on this lab's corpus and layout). */
  builtin: boolean;
}

/** Loads a fresh copy of the model a spec names, on `backend`. */
export type LmLoader = (source: 'builtin', backend: Backend) => Promise<LoadedLm>;

/**
 * What roleplay and few-shot read: a model that scores text (our engine's, or an ONNX decoder on
 * onnxruntime-web) and its tokenizer. Methods that train need a LoadedLm.
 */
export interface PromptLm {
  name: string;
  inference: InferenceLm;
  tokenizer: TextTokenizer;
  builtin: boolean;
  /** Releases what the model holds (an ONNX session); absent for a shared engine model. */
  dispose?(): Promise<void>;
  /** An ONNX model: the execution provider asked for and the one it runs on (kept in the run's record). */
  onnx?: OnnxRuntimeInfo;
}

export function promptLm(lm: LoadedLm): PromptLm {
  return { name: lm.name, inference: engineInference(lm.model), tokenizer: lm.tokenizer, builtin: lm.builtin };
}

/** Loads the ONNX model a spec names (model.onnx: a folder, a URL or a model-cache entry). */
export type OnnxLoader = (location: string) => Promise<PromptLm>;

export class ModelUnavailableError extends Error {
  override name = 'ModelUnavailableError';
}
