// The language model an arm reads (roleplay, few-shot, LM reward models): the model on the run's
// backend and its tokenizer. Where it comes from is the environment's business (the app fetches
// the built-in model's files, the CLI reads them from public/models/builtin).
import type { LlamaModel } from '../../models/llama/model';
import type { TextTokenizer } from '../../models/tokenizer';
import type { Backend } from '../../tensor';

export interface LoadedLm {
  name: string;
  model: LlamaModel;
  tokenizer: TextTokenizer;
  /** The built-in model (trained on this lab's corpus and layout). */
  builtin: boolean;
}

/** Loads a fresh copy of the model a spec names, on `backend`. */
export type LmLoader = (source: 'builtin', backend: Backend) => Promise<LoadedLm>;

export class ModelUnavailableError extends Error {
  override name = 'ModelUnavailableError';
}
