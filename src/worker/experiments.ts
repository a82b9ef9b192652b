// The Experiments and Results views' work, in the runner worker: presets and spec checks (so the
// UI never imports the validator), running a spec with events forwarded to the app, cancel,
// resuming interrupted runs, and the saved run records (IndexedDB) with CSV/JSON export.
import { loadBuiltin } from '../experiments/prepare';
import type { RunEvent } from '../experiments/events';
import { DatasetStore, type Dataset } from '../data';
import { PRESETS, presetSpec } from '../experiments/presets';
import { accuracyCsv, importanceCsv, recordsJson } from '../experiments/results/export';
import type { RunRecord } from '../experiments/results/record';
import { runExperiment } from '../experiments/runner';
import { SpecError } from '../experiments/spec/schema';
import type { BackendChoice, DataSpec, PresetInfo, SpecCheck } from '../experiments/spec/spec';
import { specFromHash, specHash } from '../experiments/spec/url';
import { parseSpec } from '../experiments/spec/validate';
import { IdbRunStore } from '../experiments/training/idb-store';
import { APP_VERSION } from '../experiments/version';
import { createBackend, type Backend } from '../tensor';
import { runnerGpu } from './gpu-status';
import { fetchBuiltinFiles } from './builtin-files';
import { memoryFiles } from '../models/io/memory-files';
import { loadModel } from '../models/load-model';
import type { LmLoader } from '../experiments/lm/loaded';

let runs: Promise<IdbRunStore> | undefined;
function openRuns(): Promise<IdbRunStore> {
  runs ??= IdbRunStore.open().catch((e: unknown) => {
    runs = undefined;
    throw e;
  });
  return runs;
}

const active = new Map<string, AbortController>();

export function experimentPresets(): PresetInfo[] {
  return PRESETS.map((p) => ({ name: p.name, title: p.title, description: p.description, where: p.where, spec: presetSpec(p.name) }));
}

function check(fn: () => ReturnType<typeof parseSpec> | null): SpecCheck | null {
  try {
    const spec = fn();
    return spec ? { ok: true, spec, hash: specHash(spec) } : null;
  } catch (e) {
    if (e instanceof SpecError) return { ok: false, path: e.path, message: e.message };
    throw e;
  }
}

export function checkSpec(value: unknown): SpecCheck {
  return check(() => parseSpec(value))!;
}

/** The spec in a `#/experiments?spec=...` hash, checked; null when the hash has none. */
export function specInHash(hash: string): SpecCheck | null {
  return check(() => specFromHash(hash));
}

async function loadData(data: DataSpec): Promise<Dataset> {
  if (data.source === 'builtin') return loadBuiltin(data);
  if (data.source === 'stored') return (await DatasetStore.open()).load(data.datasetId);
  throw new SpecError('data.source', 'files on disk ("path") are read by the CLI only; import the data in the Data view and use {"source": "stored", "datasetId": ...}');
}

/** The built-in model, fetched from the app's own files (a fresh copy per call). */
const loadBuiltinLm: LmLoader = async (_source, backend) => {
  const { files, where } = await fetchBuiltinFiles();
  const { model, tokenizer } = await loadModel(backend, memoryFiles(files, where));
  return { name: 'built-in model', model, tokenizer, builtin: true };
};

async function backendFor(choice: BackendChoice): Promise<{ backend: Backend; adapter: string | null; assertDevice?: () => void }> {
  if (choice === 'cpu') return { backend: await createBackend('cpu'), adapter: null };
  try {
    const ctx = await runnerGpu();
    return {
      backend: await createBackend('webgpu', ctx),
      adapter: ctx.report.summary,
      assertDevice: () => {
        if (ctx.lost) throw ctx.lost;
      },
    };
  } catch (e) {
    if (choice === 'webgpu') throw e;
    return { backend: await createBackend('cpu'), adapter: null };
  }
}

/**
 * Runs `spec` (or resumes `resumeRunId`), forwarding every event. `requestId` names the request
 * for cancelRun before the run has an id of its own.
 */
export async function runSpec(requestId: string, spec: unknown, o: { backend: BackendChoice; resumeRunId?: string }, onEvent: (e: RunEvent) => void): Promise<RunRecord> {
  const ac = new AbortController();
  active.set(requestId, ac);
  try {
    const b = await backendFor(o.backend);
    return await runExperiment(spec, { ...b, store: await openRuns(), loadData, loadLanguageModel: loadBuiltinLm, appVersion: APP_VERSION }, { runId: o.resumeRunId, signal: ac.signal, onEvent });
  } finally {
    active.delete(requestId);
  }
}

export function cancelRun(requestId: string): boolean {
  const ac = active.get(requestId);
  ac?.abort();
  return ac !== undefined;
}

export async function listRuns(): Promise<RunRecord[]> {
  return (await openRuns()).listRecords();
}

export async function deleteRun(runId: string): Promise<void> {
  await (await openRuns()).deleteRecord(runId);
}

async function picked(runIds: readonly string[]): Promise<RunRecord[]> {
  const all = await listRuns();
  return runIds.length ? all.filter((r) => runIds.includes(r.id)) : all;
}

export async function exportRuns(runIds: readonly string[], format: 'csv' | 'importance-csv' | 'json'): Promise<string> {
  const records = await picked(runIds);
  return format === 'csv' ? accuracyCsv(records) : format === 'importance-csv' ? importanceCsv(records) : recordsJson(records);
}
