// An analysis run in the app (the "Models of preference" view): what the worker keeps in IndexedDB
// around an AnalysisRecord (status, seed, where it computed, its log) and the events a run sends
// while it works. The record itself is the engine's (./analysis.ts), the same one the CLI writes.
import type { AnalysisRecord, AnalysisSpec } from './analysis';

export type AnalysisRunStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface AnalysisRun {
  id: string;
  /** The preset's title (or the spec's preset name). */
  name: string;
  preset: string | null;
  spec: AnalysisSpec;
  seed: number;
  status: AnalysisRunStatus;
  startedAt: string;
  /** Seconds from start to the end (or to the last event while running). */
  seconds: number;
  /** Where the fits computed. The analyses are Float64 L-BFGS and EM on sparse word bags: CPU only. */
  backend: { kind: 'cpu'; note: string };
  /** The engine's progress lines, in order. */
  log: string[];
  record?: AnalysisRecord;
  error?: { name: string; message: string };
}

/** A preset as the view lists it; `why` says why the app cannot run it (then it is shown, not offered). */
export interface AnalysisPresetInfo {
  name: string;
  title: string;
  description: string;
  spec: AnalysisSpec;
  runnable: boolean;
  why?: string;
}

export type AnalysisRunEvent =
  | {
      kind: 'progress';
      runId: string;
      /** Share done, 0..1, estimated from the fits the spec asks for. */
      fraction: number;
      etaSeconds: number | null;
      message: string;
    }
  | { kind: 'result'; runId: string; run: AnalysisRun };
