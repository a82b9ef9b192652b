// The Experiments and Results views' state: presets, the spec being built (checked by the worker,
// mirrored into the URL so it can be shared), the run in progress with its live curves, and the
// saved run records. Serializable data only; the work happens in the runner worker
// (src/worker/experiments.ts) through the client.
import { create } from 'zustand';
import type { BackendAdvice } from '../protocol/backend';
import { proxy, runner } from '../protocol/client';
import { latestRequest } from './latest-request';
import { errorMessage, type Loadable } from './loadable';
import { followRun, newestRun, resumeBackend } from './worker-runs';
import type { RunEvent } from '../protocol/events';
import type { CurvePoint, RunRecord } from '../protocol/record';
import type { BackendChoice, ExperimentSpec, MethodOption, PresetInfo, SpecCheck } from '../protocol/spec';

export type ProgressEvent = Extract<RunEvent, { kind: 'progress' }>;

export type RunState =
  | { kind: 'idle' }
  | {
      kind: 'running';
      requestId: string;
      runId: string | null;
      progress: ProgressEvent | null;
      /** Live training curves by arm label. */
      curves: Record<string, CurvePoint[]>;
      /** The record so far (after each arm). */
      partial: RunRecord | null;
      cancelling: boolean;
    }
  | { kind: 'finished'; record: RunRecord; curves: Record<string, CurvePoint[]> }
  | { kind: 'error'; message: string };

interface ExperimentsState {
  presets: Loadable<PresetInfo[]>;
  /** The methods an arm may use (served by the worker with the presets). */
  methods: MethodOption[];
  /** The preset the draft started from, if any. */
  preset: string | null;
  /** The spec as edited (may be invalid) and the worker's verdict on it. */
  draft: unknown;
  check: SpecCheck | null;
  backend: BackendChoice;
  /** What "Auto" picks for the current spec, and why (the calibration's numbers). */
  advice: Loadable<BackendAdvice>;
  run: RunState;
  records: Loadable<RunRecord[]>;
  /** Runs picked in the Results view (compare). */
  selected: string[];
  loadPresets(): Promise<void>;
  choosePreset(name: string): Promise<void>;
  setDraft(draft: unknown): Promise<void>;
  /** Loads a spec shared in the URL hash; true when there was one. */
  loadFromHash(hash: string): Promise<boolean>;
  setBackend(b: BackendChoice): void;
  /** Asks the worker what Auto picks for the current spec (measures once, then cached). */
  loadAdvice(remeasure?: boolean): Promise<void>;
  start(): Promise<void>;
  resume(runId: string): Promise<void>;
  cancel(): Promise<void>;
  refreshRecords(): Promise<void>;
  deleteRecord(runId: string): Promise<void>;
  setSelected(ids: string[]): void;
  exportRuns(ids: string[], format: 'csv' | 'importance-csv' | 'json'): Promise<string>;
  /** Keeps the run records of a JSON export (the app's or the CLI's) and shows them. */
  importRuns(text: string): Promise<void>;
}

export const useExperiments = create<ExperimentsState>()((set, get) => {
  const checkRequest = latestRequest();
  const adviceRequest = latestRequest();

  /** Runs a spec (or resumes a run) in the worker; events that arrive after the end are ignored. */
  async function execute(spec: unknown, backend: BackendChoice, resumed?: RunRecord): Promise<void> {
    const live = followRun<RunState>('req', resumed, { get: () => get().run, set: (run) => set({ run }) });
    const resumeRunId = resumed?.id;
    set({ run: { kind: 'running', requestId: live.requestId, runId: resumeRunId ?? null, progress: null, curves: live.curves(), partial: resumed ?? null, cancelling: false } });
    const onEvent = (e: RunEvent) => {
      if (e.kind === 'progress') live.update({ progress: e, runId: e.runId });
      else if (e.kind === 'metrics') live.update({ curves: live.addPoint(e.armLabel, e.point), runId: e.runId });
      else if (e.kind === 'result') live.update({ partial: e.record, runId: e.runId });
    };
    try {
      const record = await runner().runSpec(live.requestId, spec, { backend, resumeRunId }, proxy(onEvent));
      live.end();
      const finalCurves = Object.fromEntries(record.arms.map((a) => [a.label, a.curve]));
      // The Results view opens on the run just finished.
      set({ run: { kind: 'finished', record, curves: finalCurves }, selected: [record.id] });
    } catch (e) {
      live.end();
      set({ run: { kind: 'error', message: errorMessage(e) } });
    }
    void get().refreshRecords();
  }

  return {
    presets: { kind: 'idle' },
    methods: [],
    preset: null,
    draft: null,
    check: null,
    backend: 'auto',
    advice: { kind: 'idle' },
    run: { kind: 'idle' },
    records: { kind: 'idle' },
    selected: [],

    async loadPresets() {
      if (get().presets.kind === 'loading') return;
      set({ presets: { kind: 'loading' } });
      try {
        const [value, methods] = await Promise.all([runner().experimentPresets(), runner().experimentMethods()]);
        set({ presets: { kind: 'ready', value }, methods });
        if (get().draft === null && value.length) await get().choosePreset(value.find((p) => p.name === 'tiny')?.name ?? value[0].name);
      } catch (e) {
        set({ presets: { kind: 'error', message: errorMessage(e) } });
      }
    },

    async choosePreset(name) {
      const presets = get().presets;
      const p = presets.kind === 'ready' ? presets.value.find((x) => x.name === name) : undefined;
      if (!p) return;
      set({ preset: name });
      await get().setDraft(structuredClone(p.spec));
    },

    async setDraft(draft) {
      const isLatest = checkRequest();
      set({ draft });
      try {
        const check = await runner().checkSpec(draft);
        if (isLatest()) set({ check });
      } catch (e) {
        if (isLatest()) set({ check: { ok: false, path: '', message: errorMessage(e) } });
      }
    },

    async loadFromHash(hash) {
      const found = await runner().specInHash(hash);
      if (!found) return false;
      if (found.ok) set({ preset: null, draft: found.spec, check: found });
      else set({ check: found });
      return true;
    },

    setBackend(backend) {
      set({ backend });
    },

    async loadAdvice(remeasure = false) {
      const c = get().check;
      if (!c?.ok) return;
      const isLatest = adviceRequest();
      if (remeasure || get().advice.kind !== 'ready') set({ advice: { kind: 'loading' } });
      try {
        const value = await runner().backendAdvice(c.spec, remeasure);
        if (isLatest()) set({ advice: { kind: 'ready', value } });
      } catch (e) {
        if (isLatest()) set({ advice: { kind: 'error', message: errorMessage(e) } });
      }
    },

    async start() {
      const c = get().check;
      if (!c?.ok || get().run.kind === 'running') return;
      await execute(c.spec, get().backend);
    },

    async resume(runId) {
      if (get().run.kind === 'running') return;
      const records = get().records;
      const rec = records.kind === 'ready' ? records.value.find((r) => r.id === runId) : undefined;
      if (!rec) return;
      await execute(rec.spec, resumeBackend(get().backend, rec), rec);
    },

    async cancel() {
      const r = get().run;
      if (r.kind !== 'running') return;
      set({ run: { ...r, cancelling: true } });
      await runner().cancelRun(r.requestId);
    },

    async refreshRecords() {
      if (get().records.kind === 'idle') set({ records: { kind: 'loading' } });
      try {
        const value = await runner().listRuns();
        const ids = new Set(value.map((r) => r.id));
        const selected = get().selected.filter((id) => ids.has(id));
        // By default the Results view shows the newest finished run.
        if (selected.length === 0) {
          const newest = newestRun(value);
          if (newest) selected.push(newest.id);
        }
        set({ records: { kind: 'ready', value }, selected });
      } catch (e) {
        set({ records: { kind: 'error', message: errorMessage(e) } });
      }
    },

    async deleteRecord(runId) {
      await runner().deleteRun(runId);
      set({ selected: get().selected.filter((id) => id !== runId) });
      await get().refreshRecords();
    },

    setSelected(ids) {
      set({ selected: ids });
    },

    exportRuns(ids, format) {
      return runner().exportRuns(ids, format);
    },

    async importRuns(text) {
      const ids = await runner().importRuns(text);
      await get().refreshRecords();
      set({ selected: ids });
    },
  };
});

export const useRunState = () => useExperiments((s) => s.run);
export const useSpecCheck = () => useExperiments((s) => s.check);
export const useDraft = () => useExperiments((s) => s.draft);
export const usePresets = () => useExperiments((s) => s.presets);
export const useMethods = () => useExperiments((s) => s.methods);
export const useRecords = () => useExperiments((s) => s.records);
export const useSelectedRuns = () => useExperiments((s) => s.selected);
export const useBackendChoice = () => useExperiments((s) => s.backend);
export const useBackendAdvice = () => useExperiments((s) => s.advice);

/** The spec currently valid in the builder, or null. */
export function validSpec(check: SpecCheck | null): ExperimentSpec | null {
  return check?.ok ? check.spec : null;
}
