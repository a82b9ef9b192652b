// The Policies view's work, in the runner worker: Stage 2's presets and spec checks (so the UI never
// imports the validator), the backend Auto advises (a policy run is language-model work), running a
// policy spec with its events forwarded, cancel, resume from the last checkpoint, and the saved
// policy records (IndexedDB, a database of their own so the Results view's Stage-1 list is untouched)
// with CSV/JSON export. The reward-model judge (eval.rewardModelRun) reads Stage-1 runs' kept models
// from the Stage-1 database. An ONNX base ("onnx": "onnx:NAME", untrained arms only) is a cached ONNX
// model, run on the EP the run's backend asks for (./onnx-models.ts). The engine is
// src/experiments/policy; this file only adapts it to the browser.
import type { BackendAdvice } from '../protocol/backend';
import type { PolicyBaseSpec, PolicyPresetInfo, PolicyRecord, PolicyRunEvent, PolicySpec, PolicySpecCheck } from '../protocol/policy';
import type { BackendChoice, ExperimentSpec } from '../protocol/spec';
import { chooseBackend } from '../experiments/calibration/choose';
import type { LoadedLm } from '../experiments/lm/loaded';
import { weightsHash } from '../experiments/lm/weights-hash';
import { DataUnavailableError, loadBuiltin } from '../experiments/prepare';
import { isBuiltin } from '../data';
import type { PolicyRewardModel } from '../experiments/policy/reward';
import { loadStage1RewardModel } from '../experiments/policy/stage1-reward';
import { runnablePolicyPresets } from '../experiments/policy/presets';
import { readPolicyRecords } from '../experiments/policy/record-import';
import { runPolicy } from '../experiments/policy/runner';
import { decodePolicySpec, encodePolicySpec, parsePolicySpec } from '../experiments/policy/spec';
import { IdbRunStore } from '../experiments/runs/idb-store';
import type { RunStore } from '../experiments/runs/store';
import { SpecError } from '../experiments/spec/schema';
import { APP_VERSION } from '../experiments/version';
import { memoryFiles } from '../models/io/memory-files';
import { loadModel } from '../models/load-model';
import type { Backend } from '../tensor';
import { backendFor } from './backend';
import { fetchBuiltinFiles, builtinBaseUrl } from './builtin-files';
import { backendCalibration } from './calibration';
import { onnxRunLoader } from './onnx-models';
import { policyCsv } from './policy-export';
import { deleteRunPolicies, saveArmPolicy } from './policy-weights';

/** Policy records live apart from Stage 1's (same layout: records and arm checkpoints). */
export const POLICY_RUNS_DB_NAME = 'persona-lab-policy-runs';

let runs: Promise<RunStore<PolicyRecord>> | undefined;
function openRuns(): Promise<RunStore<PolicyRecord>> {
  // IdbRunStore stores any record keyed by `id`; its RunRecord type is Stage 1's name for it.
  runs ??= (IdbRunStore.open(POLICY_RUNS_DB_NAME) as unknown as Promise<RunStore<PolicyRecord>>).catch((e: unknown) => {
    runs = undefined;
    throw e;
  });
  return runs;
}

const active = new Map<string, AbortController>();

export class PolicyBaseUnavailableError extends Error {
  override name = 'PolicyBaseUnavailableError';
}

export function policyPresets(): PolicyPresetInfo[] {
  return runnablePolicyPresets();
}

/** The hash route that opens the Policies view with `spec`. */
export function policySpecHash(spec: PolicySpec): string {
  return `#/policies?spec=${encodePolicySpec(spec)}`;
}

function check(fn: () => PolicySpec | null): PolicySpecCheck | null {
  try {
    const spec = fn();
    return spec ? { ok: true, spec, hash: policySpecHash(spec) } : null;
  } catch (e) {
    if (e instanceof SpecError) return { ok: false, path: e.path, message: e.message };
    throw e;
  }
}

export function checkPolicySpec(value: unknown): PolicySpecCheck {
  return check(() => parsePolicySpec(value))!;
}

/** The spec in a `#/policies?spec=...` hash, checked; null when the hash has none. */
export function policySpecInHash(hash: string): PolicySpecCheck | null {
  return check(() => {
    const q = hash.indexOf('?');
    const param = q < 0 ? null : new URLSearchParams(hash.slice(q + 1)).get('spec');
    return param ? decodePolicySpec(param) : null;
  });
}

/** Auto for a policy run: every arm is language-model work (generation, DPO on the base). */
export async function policyBackendAdvice(remeasure = false): Promise<BackendAdvice> {
  const { calibration, cached } = await backendCalibration(remeasure);
  const lmWork = { arms: [{ model: { kind: 'lm' } }] } as unknown as Pick<ExperimentSpec, 'arms'>;
  return chooseBackend(lmWork, calibration, cached);
}

/** The base policy's files from the app's own folder (public/models/builtin-policy or builtin). */
async function loadBase(base: PolicyBaseSpec, backend: Backend): Promise<LoadedLm> {
  if (base.kind === 'onnx') throw new PolicyBaseUnavailableError(`An ONNX base (${base.onnx}) runs through the ONNX loader, not as a checkpoint.`);
  if (base.kind === 'path') throw new PolicyBaseUnavailableError('A checkpoint folder on disk ("path") is read by the CLI only (`npm run cli -- policy run`); in the app pick the persona-blind SFT policy or the built-in model.');
  const url = base.kind === 'builtin' ? builtinBaseUrl() : builtinBaseUrl().replace(/builtin\/$/, 'builtin-policy/');
  const name = base.kind === 'builtin' ? 'built-in persona-reading model' : 'persona-blind SFT policy';
  let fetched: Awaited<ReturnType<typeof fetchBuiltinFiles>>;
  try {
    fetched = await fetchBuiltinFiles(undefined, url);
  } catch (e) {
    throw new PolicyBaseUnavailableError(`The ${name} could not be fetched (${e instanceof Error ? e.message : String(e)}); pick another base policy.`);
  }
  const checkpoint = memoryFiles(fetched.files, fetched.where);
  const { model, tokenizer } = await loadModel(backend, checkpoint);
  return { name: `${name} (weights ${await weightsHash(checkpoint)})`, model, tokenizer, builtin: base.kind === 'builtin' };
}

/** A Stage-1 run's kept reward model (from the Experiments view's runs) for the spec's world. */
async function loadRewardModel(spec: unknown, backend: Backend, ref: string, signal?: AbortSignal): Promise<PolicyRewardModel> {
  const data = parsePolicySpec(spec).data;
  const world = async () => {
    const ds = await loadBuiltin(data);
    if (!isBuiltin(ds)) throw new DataUnavailableError('Policy runs need the built-in world');
    return ds;
  };
  const store = await IdbRunStore.open();
  try {
    return await loadStage1RewardModel({ store, where: "this browser's Stage-1 runs (the Results view)", backend, world }, ref, signal);
  } finally {
    store.close();
  }
}

/** A resumed run keeps the backend it ran on; a new one under Auto takes the calibration's advice. */
async function resolveChoice(choice: BackendChoice, resumeRunId: string | undefined): Promise<BackendChoice> {
  if (choice !== 'auto') return choice;
  const saved = resumeRunId ? await (await openRuns()).getRecord(resumeRunId) : null;
  if (saved) return saved.backend.kind;
  return (await policyBackendAdvice()).kind;
}

/** Runs a policy spec (or resumes `resumeRunId`), forwarding every event; `requestId` names it for cancel. */
export async function runPolicySpec(requestId: string, spec: unknown, o: { backend: BackendChoice; resumeRunId?: string }, onEvent: (e: PolicyRunEvent) => void): Promise<PolicyRecord> {
  const ac = new AbortController();
  active.set(requestId, ac);
  try {
    const b = await backendFor(await resolveChoice(o.backend, o.resumeRunId));
    return await runPolicy(
      spec,
      {
        backend: b.backend,
        adapter: b.adapter,
        assertDevice: b.assertDevice,
        store: await openRuns(),
        loadData: loadBuiltin,
        loadBase,
        loadOnnx: onnxRunLoader(b.backend.name === 'webgpu' ? 'webgpu' : 'wasm'),
        savePolicy: saveArmPolicy,
        loadRewardModel: (ref, signal) => loadRewardModel(spec, b.backend, ref, signal),
        appVersion: APP_VERSION,
        checkpointEvery: 10,
      },
      { runId: o.resumeRunId, signal: ac.signal, onEvent },
    );
  } finally {
    active.delete(requestId);
  }
}

export function cancelPolicyRun(requestId: string): boolean {
  const ac = active.get(requestId);
  ac?.abort();
  return ac !== undefined;
}

export async function listPolicyRuns(): Promise<PolicyRecord[]> {
  return (await openRuns()).listRecords();
}

export async function deletePolicyRun(runId: string): Promise<void> {
  await (await openRuns()).deleteRecord(runId);
  await deleteRunPolicies(runId);
}

export class PolicyRunNotFoundError extends Error {
  override name = 'PolicyRunNotFoundError';
}

/** Keeps the policy records of a JSON file (the CLI's runs/policy/ID.json or this view's export); returns their ids. */
export async function importPolicyRuns(text: string): Promise<string[]> {
  const records = readPolicyRecords(text);
  const store = await openRuns();
  for (const r of records) await store.putRecord(r);
  return records.map((r) => r.id);
}

/** One saved policy run as CSV (the judges' table) or JSON (the whole record). */
export async function exportPolicyRun(runId: string, format: 'csv' | 'json'): Promise<string> {
  const r = await (await openRuns()).getRecord(runId);
  if (!r) throw new PolicyRunNotFoundError(`No saved policy run ${runId} (was it deleted in another tab?)`);
  return format === 'csv' ? policyCsv([r]) : JSON.stringify(r, null, 2) + '\n';
}
