// One analysis run on a thread of its own: the runner worker's handle on ./analysis.worker.ts
// (progress lines in, the record out, terminate to cancel). Node has no Web Worker here, so the
// CLI and the unit tests call runAnalysis directly and this file is the browser's way only.
import type { AnalysisRecord, AnalysisSpec } from '../protocol/analysis';

export type AnalysisThreadMessage = { kind: 'line'; line: string } | { kind: 'done'; record: AnalysisRecord } | { kind: 'error'; name: string; message: string };

/** What the run lifecycle (./analysis.ts) needs from wherever the analysis computes. */
export interface AnalysisJob {
  /** Resolves with the record; rejects with the engine's error (name kept). */
  done: Promise<AnalysisRecord>;
  cancel(): void;
}

export type AnalysisLauncher = (spec: AnalysisSpec, onLine: (line: string) => void) => AnalysisJob;

export class AnalysisCancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('The analysis was cancelled.');
  }
}

class AnalysisThreadError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Starts the analysis on a new Web Worker. */
export const launchAnalysisThread: AnalysisLauncher = (spec, onLine) => {
  const w = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: 'persona-lab-analysis' });
  let settle: { resolve(r: AnalysisRecord): void; reject(e: Error): void } | undefined;
  const done = new Promise<AnalysisRecord>((resolve, reject) => (settle = { resolve, reject }));
  const finish = (f: (s: NonNullable<typeof settle>) => void) => {
    const s = settle;
    settle = undefined;
    w.terminate();
    if (s) f(s);
  };
  w.onmessage = (e: MessageEvent<AnalysisThreadMessage>) => {
    const m = e.data;
    if (m.kind === 'line') onLine(m.line);
    else if (m.kind === 'done') finish((s) => s.resolve(m.record));
    else finish((s) => s.reject(new AnalysisThreadError(m.name, m.message)));
  };
  w.onerror = (e) => {
    e.preventDefault();
    finish((s) => s.reject(new AnalysisThreadError('AnalysisWorkerError', `The analysis thread failed to start or crashed: ${e.message || 'no message'}`)));
  };
  w.postMessage({ spec });
  return { done, cancel: () => finish((s) => s.reject(new AnalysisCancelledError())) };
};
