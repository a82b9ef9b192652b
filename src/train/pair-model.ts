// What the pairwise training loop (./loop.ts) trains: a model with named parameters that gives a
// loss on a batch of preference pairs. Stage-1 reward models (experiments/scorers) implement it.
import type { PreferencePair } from '../data';
import type { Tensor } from '../tensor';

/** Per-pair tensors of one training batch; read back only at log intervals. */
export interface BatchOutput {
  /** Scalar loss to minimize. */
  loss: Tensor;
  /** [B] oriented margin: > 0 when the model prefers the chosen response. */
  margins: Tensor;
  /** [B] rewards of chosen and rejected (scalar-head models only). */
  chosen?: Tensor;
  rejected?: Tensor;
  /** Whatever else the model logs, detached (e.g. DPO's packed stats); read by `readStats`. */
  stats?: Tensor;
}

export interface PairModel {
  /** Named parameters that train (checkpoints save and restore them by name). */
  namedParameters(): Array<[string, Tensor]>;
  /** Parameters whose learning rate is the loop's times a factor (AdamWOptions.lrScale). */
  lrScales?(): ReadonlyMap<Tensor, number>;
  /**
   * Forward of one batch, recording for backward; `rng` draws per-batch randomness (order).
   * `logging`: this step's metrics will be read, so also return per-response rewards if the
   * model has them (they may cost extra work).
   */
  forward(pairs: readonly PreferencePair[], rng: () => number, logging: boolean): BatchOutput;
  /** Async work a batch needs before its (synchronous) forward, e.g. computing frozen features. */
  beforeStep?(pairs: readonly PreferencePair[]): Promise<void>;
  /** Metrics (TRL names) from a logged step's `stats`; they override the loop's own of the same name. */
  readStats?(stats: Tensor): Promise<Record<string, number>>;
}
