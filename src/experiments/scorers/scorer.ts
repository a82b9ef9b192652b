// What every Stage-1 method is to the runner: something that says, for a preference pair, how
// likely the persona prefers `chosen`. Trainable ones (reward models) also give a loss on a batch
// and their parameters; roleplay and few-shot only predict.
import type { PreferencePair } from '../../data';
import type { Tensor } from '../../tensor';

/** Per-pair tensors of one training batch; read back only at log intervals. */
export interface BatchOutput {
  /** Scalar loss to minimize. */
  loss: Tensor;
  /** [B] oriented margin: > 0 when the model prefers the chosen response. */
  margins: Tensor;
  /** [B] rewards of chosen and rejected (scalar-head models only). */
  chosen?: Tensor;
  rejected?: Tensor;
}

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

export interface Trainable extends Predictor {
  /** Named parameters that train (checkpoints save and restore them by name). */
  namedParameters(): Array<[string, Tensor]>;
  /**
   * Forward of one batch, recording for backward; `rng` draws per-batch randomness (order).
   * `logging`: this step's metrics will be read, so also return per-response rewards if the
   * model has them (they may cost extra work).
   */
  forward(pairs: readonly PreferencePair[], rng: () => number, logging: boolean): BatchOutput;
  /** Async work a batch needs before its (synchronous) forward, e.g. computing frozen features. */
  beforeStep?(pairs: readonly PreferencePair[]): Promise<void>;
}

export function isTrainable(p: Predictor): p is Trainable {
  return typeof (p as Trainable).forward === 'function';
}
