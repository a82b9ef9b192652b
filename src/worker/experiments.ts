// The Experiments and Results views' work, in the runner worker: presets and spec checks (so the
// UI never imports the validator), running a spec with events forwarded to the app, cancel,
// resuming interrupted runs, and the saved run records (IndexedDB) with CSV/JSON export.
import { onnxRunLoader } from './onnx-models';
import { loadBuiltin } from '../experiments/prepare';
import type { RunEvent } from '../protocol/events';
import { DatasetStore, type Dataset } from '../data';
import { METHOD_CATALOGUE } from '../experiments/methods/catalogue';
import { PRESETS, presetSpec } from '../experiments/presets';
import { accuracyCsv, importanceCsv, recordsJson } from '../experiments/results/export';
import type { RunRecord } from '../protocol/record';
import { runExperiment } from '../experiments/runner';
import { SpecError } from '../experiments/spec/schema';
import type { BackendChoice, DataSpec, MethodOption, PresetInfo, SpecCheck } from '../protocol/spec';
import { specFromHash, specHash } from '../experiments/spec/url';
import { parseSpec } from '../experiments/spec/validate';
import { IdbRunStore } from '../experiments/runs/idb-store';
import { APP_VERSION } from '../experiments/version';
import { backendFor } from './backend';
import { backendAdvice } from './calibration';
import { fetchBuiltinFiles } from './builtin-files';
import { memoryFiles } from '../models/io/memory-files';
import { loadModel } from '../models/load-model';
import type { LmLoader } from '../experiments/lm/loaded';
import { weightsHash } from '../experiments/lm/weights-hash';
import { readRecordFile } from '../experiments/runs/import-file';

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

export function experimentMethods(): MethodOption[] {
  return [...METHOD_CATALOGUE];
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

export async function loadData(data: DataSpec): Promise<Dataset> {
  if (data.source === 'builtin') return loadBuiltin(data);
  if (data.source === 'stored') return (await DatasetStore.open()).load(data.datasetId);
  throw new SpecError('data.source', 'files on disk ("path") are read by the CLI only; import the data in the Data view and use {"source": "stored", "datasetId": ...}');
}

/** The built-in model, fetched from the app's own files (a fresh copy per call). */
const loadBuiltinLm: LmLoader = async (_source, backend) => {
  const { files, where } = await fetchBuiltinFiles();
  const checkpoint = memoryFiles(files, where);
  const { model, tokenizer } = await loadModel(backend, checkpoint);
  return { name: `built-in model (weights ${await weightsHash(checkpoint)})`, model, tokenizer, builtin: true };
};

/**
 * What "Auto" means for this request: a resumed run keeps the backend it last ran on; a new run
 * takes the calibration's advice. An explicit choice is the user's.
 */
async function resolveChoice(choice: BackendChoice, spec: unknown, resumeRunId: string | undefined): Promise<{ choice: BackendChoice; reason?: string }> {
  if (choice !== 'auto') return { choice };
  const saved = resumeRunId ? await (await openRuns()).getRecord(resumeRunId) : null;
  if (saved) {
    const b = saved.backend;
    return { choice: b.kind, reason: `Resumed on the backend it ran on before (${b.kind === 'webgpu' ? `WebGPU: ${b.adapter ?? 'adapter unknown'}` : 'the CPU backend'}).` };
  }
  const advice = await backendAdvice(spec);
  return { choice: advice.kind, reason: `Auto: ${advice.reason}` };
}

/**
 * Runs `spec` (or resumes `resumeRunId`), forwarding every event. `requestId` names the request
 * for cancelRun before the run has an id of its own.
 */
export async function runSpec(requestId: string, spec: unknown, o: { backend: BackendChoice; resumeRunId?: string }, onEvent: (e: RunEvent) => void): Promise<RunRecord> {
  const ac = new AbortController();
  active.set(requestId, ac);
  try {
    const { choice, reason } = await resolveChoice(o.backend, spec, o.resumeRunId);
    const b = await backendFor(choice);
    return await runExperiment(spec, { ...b, backendReason: reason, store: await openRuns(), loadData, loadLanguageModel: loadBuiltinLm, loadOnnxModel: onnxRunLoader(b.backend.name === 'webgpu' ? 'webgpu' : 'wasm'), appVersion: APP_VERSION }, { runId: o.resumeRunId, signal: ac.signal, onEvent });
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

export class RecordImportError extends Error {
  override name = 'RecordImportError';
}

/** A run record from an export (the app's JSON or the CLI's --json), checked before it is kept. */
function checkRecord(value: unknown, where: string): RunRecord {
  const r = value as Partial<RunRecord> | null;
  if (!r || typeof r !== 'object') throw new RecordImportError(`${where} is not a run record`);
  if (r.recordVersion !== 1) throw new RecordImportError(`${where}: recordVersion must be 1, got ${JSON.stringify(r.recordVersion)}`);
  if (typeof r.id !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(r.id)) throw new RecordImportError(`${where}: id must be a run id, got ${JSON.stringify(r.id)}`);
  if (!Array.isArray(r.arms) || !Array.isArray(r.importance)) throw new RecordImportError(`${where}: arms and importance must be lists`);
  try {
    parseSpec(r.spec);
  } catch (e) {
    throw new RecordImportError(`${where}: its spec does not validate (${e instanceof Error ? e.message : String(e)})`);
  }
  return r as RunRecord;
}

/** Keeps the records in a JSON export (one record or a list); returns their ids. */
export async function importRuns(text: string): Promise<string[]> {
  const records = readRecordFile(text, checkRecord, (m) => new RecordImportError(m));
  const store = await openRuns();
  for (const r of records) await store.putRecord(r);
  return records.map((r) => r.id);
}

export async function exportRuns(runIds: readonly string[], format: 'csv' | 'importance-csv' | 'json'): Promise<string> {
  const records = await picked(runIds);
  return format === 'csv' ? accuracyCsv(records) : format === 'importance-csv' ? importanceCsv(records) : recordsJson(records);
}
