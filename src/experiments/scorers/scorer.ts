// What every Stage-1 method is to the runner: something that says, for a preference pair, how
// likely the persona prefers `chosen`. Trainable ones (reward models) also give a loss on a batch
// and their parameters; roleplay and few-shot only predict.
import type { PreferencePair } from '../../data';
import type { PairModel } from '../../train/pair-model';

export interface Predictor {
  /** Model and mode in words, for results. */
  readonly description: string;
  /**
   * P(persona prefers chosen) for each pair, in order, computed without gradients. 0.5 is a
   * tie (scored half right).
   */
  predict(pairs: readonly PreferencePair[], signal?: AbortSignal, onProgress?: (done: number) => void): Promise<Float32Array>;
  dispose(): void;
}

/** A predictor the training loop (train/loop.ts) can train: a reward model. */
export type Trainable = Predictor & PairModel;

export function isTrainable(p: Predictor): p is Trainable {
  return typeof (p as Trainable).forward === 'function';
}
