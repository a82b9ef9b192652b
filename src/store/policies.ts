// The Policies view's state: Stage-2 presets, the policy spec being built (checked by the worker,
// mirrored into the URL so it can be shared), the run in progress with its live TRL-named curves,
// and the saved policy records. Serializable data only; the work happens in the runner worker
// (src/worker/policies.ts) through the client.
import { create } from 'zustand';
import type { BackendAdvice } from '../protocol/backend';
import { proxy, runner } from '../protocol/client';
import type { PolicyPresetInfo, PolicyRecord, PolicyRunEvent, PolicySpecCheck } from '../protocol/policy';
import type { CurvePoint } from '../protocol/record';
import type { BackendChoice } from '../protocol/spec';
import { latestRequest } from './latest-request';
import { errorMessage, type Loadable } from './loadable';
import { followRun, newestRun, resumeBackend } from './worker-runs';

export type PolicyProgress = Extract<PolicyRunEvent, { kind: 'progress' }>;

export type PolicyRunState =
  | { kind: 'idle' }
  | {
      kind: 'running';
      requestId: string;
      runId: string | null;
      progress: PolicyProgress | null;
      curves: Record<string, CurvePoint[]>;
      resumed: boolean;
      cancelling: boolean;
    }
  | { kind: 'finished'; record: PolicyRecord }
  | { kind: 'error'; message: string };

interface PoliciesState {
  presets: Loadable<PolicyPresetInfo[]>;
  preset: string | null;
  /** The spec as edited (may be invalid) and the worker's verdict on it. */
  draft: unknown;
  check: PolicySpecCheck | null;
  /** True while the worker checks a newer draft than `check` judged: Run waits (it would run the old spec). */
  checking: boolean;
  backend: BackendChoice;
  advice: Loadable<BackendAdvice>;
  run: PolicyRunState;
  records: Loadable<PolicyRecord[]>;
  /** The saved run whose results are shown. */
  shown: string | null;
  loadPresets(): Promise<void>;
  choosePreset(name: string): Promise<void>;
  setDraft(draft: unknown): Promise<void>;
  loadFromHash(hash: string): Promise<boolean>;
  setBackend(b: BackendChoice): void;
  loadAdvice(remeasure?: boolean): Promise<void>;
  start(): Promise<void>;
  resume(runId: string): Promise<void>;
  cancel(): Promise<void>;
  refreshRecords(): Promise<void>;
  deleteRecord(runId: string): Promise<void>;
  show(runId: string): void;
  exportRun(runId: string, format: 'csv' | 'json'): Promise<string>;
  /** Keeps the records of a JSON file and shows the first; throws (nothing kept) when any record is bad. */
  importRecords(text: string): Promise<string[]>;
}

export const usePolicies = create<PoliciesState>()((set, get) => {
  const checkRequest = latestRequest();
  const adviceRequest = latestRequest();

  /** Runs a spec (or resumes a run) in the worker; events that arrive after the end are ignored. */
  async function execute(spec: unknown, backend: BackendChoice, resumed?: PolicyRecord): Promise<void> {
    // A resumed run's chart continues the curves its record kept.
    const live = followRun<PolicyRunState>('policy-req', resumed, { get: () => get().run, set: (run) => set({ run }) });
    set({ run: { kind: 'running', requestId: live.requestId, runId: resumed?.id ?? null, progress: null, curves: live.curves(), resumed: resumed !== undefined, cancelling: false } });
    let listed = false;
    const onEvent = (e: PolicyRunEvent) => {
      // The record is saved before the first event: list it (as running now) in Saved policy runs.
      if (!listed && 'runId' in e) {
        listed = true;
        void get().refreshRecords();
      }
      if (e.kind === 'progress') live.update({ progress: e, runId: e.runId });
      else if (e.kind === 'metrics') live.update({ curves: live.addPoint(e.armLabel, e.point), runId: e.runId });
    };
    try {
      const record = await runner().runPolicySpec(live.requestId, spec, { backend, resumeRunId: resumed?.id }, proxy(onEvent));
      live.end();
      set({ run: { kind: 'finished', record }, shown: record.id });
    } catch (e) {
      live.end();
      set({ run: { kind: 'error', message: errorMessage(e) } });
    }
    void get().refreshRecords();
  }

  return {
    presets: { kind: 'idle' },
    preset: null,
    draft: null,
    check: null,
    checking: false,
    backend: 'auto',
    advice: { kind: 'idle' },
    run: { kind: 'idle' },
    records: { kind: 'idle' },
    shown: null,

    async loadPresets() {
      if (get().presets.kind === 'loading' || get().presets.kind === 'ready') return;
      set({ presets: { kind: 'loading' } });
      try {
        const value = await runner().policyPresets();
        set({ presets: { kind: 'ready', value } });
        if (get().draft === null && value.length) await get().choosePreset(value[0].name);
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
      set({ draft, checking: true });
      try {
        const check = await runner().checkPolicySpec(draft);
        if (isLatest()) set({ check, checking: false });
      } catch (e) {
        if (isLatest()) set({ check: { ok: false, path: '', message: errorMessage(e) }, checking: false });
      }
    },

    async loadFromHash(hash) {
      const found = await runner().policySpecInHash(hash);
      if (!found) return false;
      // A check of an older draft still under way must not overwrite the spec from the link.
      checkRequest();
      if (found.ok) set({ preset: null, draft: found.spec, check: found, checking: false });
      else set({ check: found, checking: false });
      return true;
    },

    setBackend(backend) {
      set({ backend });
    },

    async loadAdvice(remeasure = false) {
      const isLatest = adviceRequest();
      if (remeasure || get().advice.kind !== 'ready') set({ advice: { kind: 'loading' } });
      try {
        const value = await runner().policyBackendAdvice(remeasure);
        if (isLatest()) set({ advice: { kind: 'ready', value } });
      } catch (e) {
        if (isLatest()) set({ advice: { kind: 'error', message: errorMessage(e) } });
      }
    },

    async start() {
      const c = get().check;
      if (!c?.ok || get().checking || get().run.kind === 'running') return;
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
      await runner().cancelPolicyRun(r.requestId);
    },

    async refreshRecords() {
      if (get().records.kind === 'idle') set({ records: { kind: 'loading' } });
      try {
        const value = await runner().listPolicyRuns();
        let shown = get().shown;
        if (!shown || !value.some((r) => r.id === shown)) shown = newestRun(value)?.id ?? null;
        set({ records: { kind: 'ready', value }, shown });
      } catch (e) {
        set({ records: { kind: 'error', message: errorMessage(e) } });
      }
    },

    async deleteRecord(runId) {
      await runner().deletePolicyRun(runId);
      if (get().shown === runId) set({ shown: null });
      await get().refreshRecords();
    },

    show(runId) {
      set({ shown: runId });
    },

    exportRun(runId, format) {
      return runner().exportPolicyRun(runId, format);
    },

    async importRecords(text) {
      const ids = await runner().importPolicyRuns(text);
      await get().refreshRecords();
      if (ids.length > 0) set({ shown: ids[0] });
      return ids;
    },
  };
});

export const usePolicyDraft = () => usePolicies((s) => s.draft);
export const usePolicyCheck = () => usePolicies((s) => s.check);

/** A saved run that stopped before the end (cancelled, failed, or its tab closed while running). */
export function resumable(r: PolicyRecord, activeRunId: string | null): boolean {
  return r.status !== 'done' && r.id !== activeRunId;
}
