// What the app shows of a TRL run brought back (src/experiments/import/trl): its trainer_state.json
// log history as curves with TRL's metric names. Types only.
import type { CurvePoint } from './record';

export interface TrlCurves {
  /** Training log entries, in step order. */
  train: CurvePoint[];
  /** Evaluation entries (eval_ prefix dropped; "eval_test_loss" becomes "test/loss"). */
  eval: CurvePoint[];
  /** The summary entry (train_loss, train_runtime, ...), plus global_step and epoch. */
  final: Record<string, number>;
  /** Metric names seen in the training entries, first-seen order. */
  metrics: string[];
}
