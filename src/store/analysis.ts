// The Models of preference view's state: the analysis presets, the chosen one, the run in
// progress (its latest progress line, share done and time left) and the saved runs, one of them
// shown. Serializable data only; the work happens in the runner worker (src/worker/analysis.ts).
import { create } from 'zustand';
import type { AnalysisPresetInfo, AnalysisRun, AnalysisRunEvent } from '../protocol/analysis-run';
import { proxy, runner } from '../protocol/client';
import { errorMessage, type Loadable } from './loadable';

export type AnalysisProgress = Extract<AnalysisRunEvent, { kind: 'progress' }>;

export type AnalysisRunState =
  | { kind: 'idle' }
  | { kind: 'running'; requestId: string; runId: string | null; progress: AnalysisProgress | null; cancelling: boolean }
  | { kind: 'finished'; run: AnalysisRun }
  | { kind: 'error'; message: string };

interface AnalysisState {
  presets: Loadable<AnalysisPresetInfo[]>;
  preset: string | null;
  run: AnalysisRunState;
  runs: Loadable<AnalysisRun[]>;
  /** The saved run whose results are shown. */
  shown: string | null;
  loadPresets(): Promise<void>;
  choosePreset(name: string): void;
  start(): Promise<void>;
  cancel(): Promise<void>;
  refreshRuns(): Promise<void>;
  deleteRun(runId: string): Promise<void>;
  show(runId: string): void;
  exportRun(runId: string, format: 'csv' | 'json'): Promise<string>;
}

let requestCounter = 0;

export const useAnalysis = create<AnalysisState>()((set, get) => ({
  presets: { kind: 'idle' },
  preset: null,
  run: { kind: 'idle' },
  runs: { kind: 'idle' },
  shown: null,

  async loadPresets() {
    if (get().presets.kind === 'loading' || get().presets.kind === 'ready') return;
    set({ presets: { kind: 'loading' } });
    try {
      const value = await runner().analysisPresets();
      // The smallest runnable preset first: a first click should answer in seconds.
      const first = value.find((p) => p.name === 'builtin-tiny' && p.runnable) ?? value.find((p) => p.runnable);
      set({ presets: { kind: 'ready', value }, preset: get().preset ?? first?.name ?? null });
    } catch (e) {
      set({ presets: { kind: 'error', message: errorMessage(e) } });
    }
  },

  choosePreset(name) {
    set({ preset: name });
  },

  async start() {
    const preset = get().preset;
    if (!preset || get().run.kind === 'running') return;
    const requestId = `analysis-req-${Date.now().toString(36)}-${++requestCounter}`;
    let finished = false;
    set({ run: { kind: 'running', requestId, runId: null, progress: null, cancelling: false } });
    let listed = false;
    const onEvent = (e: AnalysisRunEvent) => {
      const r = get().run;
      if (finished || r.kind !== 'running' || r.requestId !== requestId) return;
      if (!listed) {
        // The run is saved before its first event: list it (as running) under Saved analyses.
        listed = true;
        void get().refreshRuns();
      }
      if (e.kind === 'progress') set({ run: { ...r, runId: e.runId, progress: e } });
    };
    try {
      const run = await runner().runAnalysisPreset(requestId, preset, proxy(onEvent));
      finished = true;
      set({ run: { kind: 'finished', run }, ...(run.status === 'done' ? { shown: run.id } : {}) });
    } catch (e) {
      finished = true;
      set({ run: { kind: 'error', message: errorMessage(e) } });
    }
    await get().refreshRuns();
  },

  async cancel() {
    const r = get().run;
    if (r.kind !== 'running') return;
    set({ run: { ...r, cancelling: true } });
    await runner().cancelAnalysis(r.requestId);
  },

  async refreshRuns() {
    if (get().runs.kind === 'idle') set({ runs: { kind: 'loading' } });
    try {
      const value = await runner().listAnalysisRuns();
      let shown = get().shown;
      if (!shown || !value.some((r) => r.id === shown)) shown = [...value].reverse().find((r) => r.status === 'done')?.id ?? null;
      set({ runs: { kind: 'ready', value }, shown });
    } catch (e) {
      set({ runs: { kind: 'error', message: errorMessage(e) } });
    }
  },

  async deleteRun(runId) {
    await runner().deleteAnalysisRun(runId);
    if (get().shown === runId) set({ shown: null });
    await get().refreshRuns();
  },

  show(runId) {
    set({ shown: runId });
  },

  exportRun(runId, format) {
    return runner().exportAnalysisRun(runId, format);
  },
}));

/** The saved run shown in the results, or null. */
export function useShownAnalysis(): AnalysisRun | null {
  return useAnalysis((s) => (s.runs.kind === 'ready' ? (s.runs.value.find((r) => r.id === s.shown) ?? null) : null));
}
