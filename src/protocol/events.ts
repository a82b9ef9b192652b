// What a run tells whoever started it, as one union keyed by `kind`; every event names the run
// (the request id) it belongs to. The worker forwards these to the app unchanged, the CLI prints
// them. Plain data only.
import type { CurvePoint, RunRecord } from './record';

export type RunPhase = 'data' | 'features' | 'train' | 'eval' | 'done';

export type RunEvent =
  | {
      kind: 'progress';
      runId: string;
      arm: number;
      arms: number;
      armLabel: string;
      phase: RunPhase;
      /** Share of the whole run done, 0..1. */
      fraction: number;
      /** Estimated seconds left (null until there is enough to go on). */
      etaSeconds: number | null;
      message: string;
    }
  | { kind: 'metrics'; runId: string; arm: number; armLabel: string; point: CurvePoint }
  /** The record so far (`final` false after each arm) or the finished record. */
  | { kind: 'result'; runId: string; final: boolean; record: RunRecord }
  | {
      kind: 'error';
      runId: string;
      /** The error class, e.g. NonFiniteLossError, OutOfMemoryError, DeviceLostError, CancelledError. */
      name: string;
      message: string;
      /** Whether a checkpoint of the interrupted arm was kept (the run can resume). */
      checkpointKept: boolean;
    };

export type RunEventListener = (event: RunEvent) => void;
