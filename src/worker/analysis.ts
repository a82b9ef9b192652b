// The "Models of preference" view's work, in the runner worker: the analysis presets (which the
// app can run: built-in data only), running one on its own thread with progress lines, time left
// and cancel, and the saved runs (IndexedDB, a database of their own) with JSON/CSV export (the
// same record and CSV the CLI's `analysis run --out/--csv` writes). The engine is
// src/experiments/analysis; this file only adapts it to the browser.
import { analysisCsv } from '../experiments/analysis/export';
import { ANALYSIS_PRESETS, analysisPreset } from '../experiments/analysis/spec';
import { IdbRunStore } from '../experiments/runs/idb-store';
import type { RunStore } from '../experiments/runs/store';
import type { AnalysisPresetInfo, AnalysisRun, AnalysisRunEvent } from '../protocol/analysis-run';
import { analysisEta, analysisFraction } from './analysis-progress';
import { launchAnalysisThread, type AnalysisLauncher } from './analysis-thread';

export const ANALYSIS_RUNS_DB_NAME = 'persona-lab-analysis-runs';

export const CPU_NOTE = 'CPU, in a worker thread: the estimators are Float64 L-BFGS and EM on sparse word bags (no WebGPU path; too small and sequential to gain from one).';

export class AnalysisRunNotFoundError extends Error {
  override name = 'AnalysisRunNotFoundError';
}

export class AnalysisPresetUnavailableError extends Error {
  override name = 'AnalysisPresetUnavailableError';
}

/** A run's lifecycle against any store and launcher (the browser's are IndexedDB and a Web Worker). */
export function analysisRuns(openStore: () => Promise<RunStore<AnalysisRun>>, launch: AnalysisLauncher) {
  const active = new Map<string, { runId: string; cancel(): void }>();

  function presets(): AnalysisPresetInfo[] {
    return ANALYSIS_PRESETS.map((p) => {
      const runnable = p.spec.data.source === 'builtin';
      return {
        name: p.name,
        title: p.title,
        description: p.description,
        spec: structuredClone(p.spec),
        runnable,
        ...(runnable ? {} : { why: `It reads files from the repository (${p.spec.data.source === 'path' ? p.spec.data.path : p.spec.data.source}): run it with \`npm run cli -- analysis run --preset ${p.name}\`.` }),
      };
    });
  }

  async function run(requestId: string, presetName: string, onEvent: (e: AnalysisRunEvent) => void): Promise<AnalysisRun> {
    const info = presets().find((p) => p.name === presetName);
    if (!info) analysisPreset(presetName); // throws UnknownAnalysisPresetError, naming the presets
    if (!info!.runnable) throw new AnalysisPresetUnavailableError(`The preset "${presetName}" cannot run in the app. ${info!.why}`);
    const spec = info!.spec;
    const store = await openStore();
    const t0 = performance.now();
    const run: AnalysisRun = {
      id: `analysis-${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 6)}`,
      name: info!.title,
      preset: presetName,
      spec,
      seed: spec.seed,
      status: 'running',
      startedAt: new Date().toISOString(),
      seconds: 0,
      backend: { kind: 'cpu', note: CPU_NOTE },
      log: [],
    };
    await store.putRecord(run);
    const job = launch(spec, (line) => {
      run.log.push(line);
      run.seconds = (performance.now() - t0) / 1000;
      const fraction = analysisFraction(spec, run.log.length);
      onEvent({ kind: 'progress', runId: run.id, fraction, etaSeconds: analysisEta(fraction, run.seconds), message: line });
      void store.putRecord(run);
    });
    active.set(requestId, { runId: run.id, cancel: job.cancel });
    onEvent({ kind: 'progress', runId: run.id, fraction: 0, etaSeconds: null, message: 'Generating the built-in world and its pairs…' });
    try {
      run.record = await job.done;
      run.status = 'done';
    } catch (e) {
      const name = e instanceof Error ? e.name : 'Error';
      run.status = name === 'CancelledError' ? 'cancelled' : 'failed';
      if (run.status === 'failed') run.error = { name, message: e instanceof Error ? e.message : String(e) };
    } finally {
      active.delete(requestId);
    }
    run.seconds = (performance.now() - t0) / 1000;
    await store.putRecord(run);
    onEvent({ kind: 'result', runId: run.id, run });
    return run;
  }

  function cancel(requestId: string): boolean {
    const a = active.get(requestId);
    a?.cancel();
    return a !== undefined;
  }

  /** Saved runs, oldest first; one left 'running' by a closed tab reads as failed, in words. */
  async function list(): Promise<AnalysisRun[]> {
    const store = await openStore();
    const live = new Set([...active.values()].map((a) => a.runId));
    const runs = await store.listRecords();
    for (const r of runs)
      if (r.status === 'running' && !live.has(r.id)) {
        r.status = 'failed';
        r.error = { name: 'InterruptedError', message: 'The page was closed or reloaded while it ran (an analysis cannot resume): run it again.' };
        await store.putRecord(r);
      }
    return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  async function remove(runId: string): Promise<void> {
    await (await openStore()).deleteRecord(runId);
  }

  /** JSON: the AnalysisRecord, as `analysis run --out` writes it; CSV: part,item,metric,value,lo,hi. */
  async function exportRun(runId: string, format: 'json' | 'csv'): Promise<string> {
    const r = await (await openStore()).getRecord(runId);
    if (!r) throw new AnalysisRunNotFoundError(`No saved analysis run ${runId} (was it deleted in another tab?)`);
    if (!r.record) throw new AnalysisRunNotFoundError(`The analysis run ${runId} has no results to export (it ${r.status === 'cancelled' ? 'was cancelled' : 'stopped'} before the end).`);
    return format === 'csv' ? analysisCsv(r.record) : `${JSON.stringify(r.record, null, 2)}\n`;
  }

  return { presets, run, cancel, list, remove, exportRun };
}

let store: Promise<RunStore<AnalysisRun>> | undefined;
function openIdb(): Promise<RunStore<AnalysisRun>> {
  // IdbRunStore stores any record keyed by `id`; its RunRecord type is Stage 1's name for it.
  store ??= (IdbRunStore.open(ANALYSIS_RUNS_DB_NAME) as unknown as Promise<RunStore<AnalysisRun>>).catch((e: unknown) => {
    store = undefined;
    throw e;
  });
  return store;
}

const browser = analysisRuns(openIdb, launchAnalysisThread);
export const analysisPresets = browser.presets;
export const runAnalysisPreset = browser.run;
export const cancelAnalysis = browser.cancel;
export const listAnalysisRuns = browser.list;
export const deleteAnalysisRun = browser.remove;
export const exportAnalysisRun = browser.exportRun;
