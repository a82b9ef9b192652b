// A dedicated worker for one analysis run, started by the runner worker (./analysis.ts). The
// estimators are synchronous Float64 loops (L-BFGS, EM) that never yield, so the only way to
// stop one mid-fit is to end its thread: cancel terminates this worker, the runner stays free.
import { runAnalysis } from '../experiments/analysis/run';
import { loadBuiltin } from '../experiments/prepare';
import type { AnalysisSpec } from '../protocol/analysis';
import type { AnalysisThreadMessage } from './analysis-thread';

const post = (m: AnalysisThreadMessage) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (e: MessageEvent<{ spec: AnalysisSpec }>) => {
  try {
    const record = await runAnalysis(e.data.spec, loadBuiltin, (line) => post({ kind: 'line', line }));
    post({ kind: 'done', record });
  } catch (err) {
    post({ kind: 'error', name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) });
  }
};
