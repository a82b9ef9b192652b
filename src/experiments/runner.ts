// The runner: executes a spec, arm by arm, the same code in the Web Worker and in Node. It emits
// progress, metrics, partial results and errors as RunEvents; writes the run record after every
// arm and checkpoint so nothing written is lost when the tab closes; resumes a run from its
// record and the interrupted arm's checkpoint; and stops on cancel, NaN, out-of-memory or device
// loss with a clear message, keeping the last checkpoint.
import type { PairSetName, PreferencePair } from '../data';
import { DRIVER_ATTRIBUTES, IRRELEVANT_ATTRIBUTES, PROXY_ATTRIBUTES, isBuiltin } from '../data';
import type { Backend } from '../tensor';
import { fnv1a32 } from '../util/hash';
import type { RunEvent, RunPhase } from '../protocol/events';
import { armSeed, buildPredictor, methodName, modelName } from './methods';
import { prepare, TEST_SETS, trainingPairs, type DataLoader, type Prepared } from './prepare';
import { pairedBootstrapDiff, zFor } from './results/intervals';
import { backendsOf, RECORD_VERSION, type ArmResult, type Importance, type OnnxRuntimeInfo, type PersonaScore, type RunBackend, type RunRecord } from '../protocol/record';
import { scoreSet, scoreSubset } from './results/score';
import { isTrainable, type Predictor, type Trainable } from './scorers/scorer';
import { expandArms, subsetName } from './spec/expand';
import type { ExpandedArm, ExperimentSpec } from '../protocol/spec';
import { parseSpec } from './spec/validate';
import { CancelledError, stepsFor, trainLoop } from '../train/loop';
import { keptModelBytes, type RunStore } from './runs/store';
import { BagScorer } from './scorers/bag-scorer';
import { ModelUnavailableError, type LmLoader, type LoadedLm, type OnnxLoader, type PromptLm } from './lm/loaded';
import { etaSeconds } from './runs/eta';

export interface RunnerEnv {
  backend: Backend;
  adapter: string | null;
  /** The GPU kernel variants in words (webgpu), kept in the record's backend. */
  kernels?: string;
  /** Why this backend (when "Auto" chose it); kept in the record. */
  backendReason?: string;
  store: RunStore;
  loadData: DataLoader;
  appVersion: string;
  /** Throws DeviceLostError when the GPU is gone (webgpu); checked between steps. */
  assertDevice?(): void;
  /** Steps between checkpoints (default 50). */
  checkpointEvery?: number;
  /** Loads the language model LM arms read; absent where none is available. */
  loadLanguageModel?: LmLoader;
  /** Loads an ONNX model a roleplay or few-shot arm names (model.source "onnx"); absent where none can run. */
  loadOnnxModel?: OnnxLoader;
  /** Builds an arm's predictor; defaults to the method table (tests substitute their own). */
  buildPredictor?: typeof buildPredictor;
}

export interface RunOptions {
  /** Resume this run (its record and checkpoints must be in the store). */
  runId?: string;
  signal?: AbortSignal;
  onEvent?(event: RunEvent): void;
}

export class ResumeError extends Error {
  override name = 'ResumeError';
}

export function newRunId(spec: ExperimentSpec, now = Date.now()): string {
  return `run-${now.toString(36)}-${fnv1a32(JSON.stringify(spec) + now).toString(36)}`;
}

function pendingArm(arm: ExpandedArm): ArmResult {
  const r: ArmResult = {
    label: arm.label,
    role: arm.role,
    method: methodName(arm),
    subset: subsetName(arm.subset),
    model: modelName(arm),
    status: 'pending',
    sets: [],
    perPersona: [],
    curve: [],
    final: {},
    seconds: 0,
  };
  if (arm.leftOut !== undefined) r.leftOut = arm.leftOut;
  if (arm.sweptArm !== undefined) r.sweptArm = arm.sweptArm;
  return r;
}

function errorInfo(e: unknown): { name: string; message: string } {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

/** Attribute importance from a finished leave-one-out sweep: drop = acc(all) - acc(all - a). */
export function importanceOf(record: RunRecord, prep: Pick<Prepared, 'dataset'> | null, spec: ExperimentSpec): Importance[] {
  const sw = spec.sweep;
  if (!sw || sw.kind !== 'leave-one-out') return [];
  const base = record.arms[sw.arm];
  if (!base || base.status !== 'done') return [];
  const builtin = prep !== null && isBuiltin(prep.dataset);
  const roleOf = (a: string): Importance['role'] =>
    !builtin ? undefined : (DRIVER_ATTRIBUTES as readonly string[]).includes(a) ? 'driver' : (PROXY_ATTRIBUTES as readonly string[]).includes(a) ? 'proxy' : (IRRELEVANT_ATTRIBUTES as readonly string[]).includes(a) ? 'irrelevant' : undefined;
  const out: Importance[] = [];
  const clusters = (scores: PersonaScore[], set: PairSetName, ids: string[]) => {
    const by = new Map(scores.filter((s) => s.set === set).map((s) => [s.personaId, s]));
    return { clusters: ids, correct: Float64Array.from(ids, (id) => by.get(id)?.correct ?? 0), n: Float64Array.from(ids, (id) => by.get(id)?.n ?? 0) };
  };
  // The family of intervals: one per attribute the sweep leaves out.
  const m = record.arms.filter((a) => a.role === 'leave-one-out').length;
  const zSim = zFor(1 - (1 - spec.eval.confidence) / Math.max(1, m));
  for (const set of ['cross', 'unseen'] as const) {
    const ids = base.perPersona.filter((s) => s.set === set).map((s) => s.personaId);
    if (ids.length === 0) continue;
    const a = clusters(base.perPersona, set, ids);
    for (const arm of record.arms) {
      if (arm.role !== 'leave-one-out' || arm.status !== 'done' || arm.leftOut === undefined) continue;
      const d = pairedBootstrapDiff(a, clusters(arm.perPersona, set, ids), { resamples: spec.eval.bootstrap, seed: fnv1a32(`${spec.seed}:bootstrap:${set}`), confidence: spec.eval.confidence });
      const imp: Importance = { attribute: arm.leftOut, set, drop: d.diff, lo: d.lo, hi: d.hi, simLo: d.diff - zSim * d.se, simHi: d.diff + zSim * d.se };
      const role = roleOf(arm.leftOut);
      if (role) imp.role = role;
      out.push(imp);
    }
  }
  return out;
}

/** What the steps of one run share: its spec and record, where events go, and its language model. */
interface Run {
  spec: ExperimentSpec;
  arms: ExpandedArm[];
  env: RunnerEnv;
  o: RunOptions;
  record: RunRecord;
  emit(e: RunEvent): void;
  /** Writes the record (after every arm and checkpoint, so nothing written is lost). */
  save(): Promise<void>;
  progress(arm: number, phase: RunPhase, within: number, message: string): void;
  /** The run's language model, loaded on first use and shared by its arms. */
  lm(): Promise<LoadedLm>;
  /** A private copy (full finetuning changes its weights). */
  freshLm(): Promise<LoadedLm>;
  /** The shared model once asked for; disposed when the run ends. */
  shared: Promise<LoadedLm> | null;
  /** ONNX models by location, loaded once and shared by the arms naming them; released when the run ends. */
  onnxLm(location: string): Promise<PromptLm>;
  onnx: Map<string, Promise<PromptLm>>;
}

const now = () => new Date().toISOString();

/** Where the run computes, as its record names it. */
function runBackend(env: RunnerEnv): RunRecord['backend'] {
  return { kind: env.backend.name, adapter: env.adapter, ...(env.kernels ? { kernels: env.kernels } : {}) };
}

/** Keeps where an ONNX model ran in the record's current backend (a fallback's reason wins over a plain run). */
function noteOnnx(record: RunRecord, info: OnnxRuntimeInfo): void {
  const keep = (b: RunBackend) => {
    if (!b.onnx || (info.fallback && !b.onnx.fallback)) b.onnx = { ...info };
  };
  keep(record.backend);
  const all = backendsOf(record);
  if (record.backends?.length) keep(all[all.length - 1]);
}

/** The run's record: the saved one when resuming (it must have the same spec), else a new one. */
async function openRecord(spec: ExperimentSpec, arms: ExpandedArm[], env: RunnerEnv, runId: string | undefined): Promise<RunRecord> {
  if (runId) {
    const saved = await env.store.getRecord(runId);
    if (!saved) throw new ResumeError(`No saved run ${runId} to resume`);
    if (JSON.stringify(parseSpec(saved.spec)) !== JSON.stringify(spec)) throw new ResumeError(`Run ${runId} was started with a different spec; start a new run instead`);
    const record = saved;
    record.status = 'running';
    // The record names where the run computes now (a run stopped on WebGPU may resume on the CPU)
    // and keeps every backend it ran on.
    const here = runBackend(env);
    const before = backendsOf(record);
    const last = before[before.length - 1];
    record.backends = last.kind === here.kind && last.adapter === here.adapter ? before : [...before, here];
    record.backend = here;
    if (env.backendReason) record.backendReason = env.backendReason;
    delete record.error;
    return record;
  }
  const record: RunRecord = {
    recordVersion: RECORD_VERSION,
    id: newRunId(spec),
    name: spec.name,
    spec,
    seed: spec.seed,
    appVersion: env.appVersion,
    backend: runBackend(env),
    backends: [runBackend(env)],
    createdAt: now(),
    updatedAt: now(),
    status: 'running',
    data: null,
    arms: arms.map(pendingArm),
    importance: [],
  };
  if (env.backendReason) record.backendReason = env.backendReason;
  return record;
}

/** Progress events: arms share the run equally; within an arm, training is 90% and evaluation 10%. */
function progressReporter(record: RunRecord, arms: ExpandedArm[], emit: (e: RunEvent) => void): Run['progress'] {
  const started = Date.now();
  const startFraction = record.arms.filter((a) => a.status === 'done').length / arms.length;
  return (arm, phase, within, message) => {
    const fraction = Math.min(1, (arm + within) / arms.length);
    emit({ kind: 'progress', runId: record.id, arm, arms: arms.length, armLabel: arms[arm]?.label ?? '', phase, fraction, etaSeconds: etaSeconds(fraction, startFraction, (Date.now() - started) / 1000), message });
  };
}

function startRun(spec: ExperimentSpec, arms: ExpandedArm[], env: RunnerEnv, o: RunOptions, record: RunRecord): Run {
  const emit = (e: RunEvent) => o.onEvent?.(e);
  const loadLm = (): Promise<LoadedLm> => {
    if (!env.loadLanguageModel) throw new ModelUnavailableError('No language model is available here: roleplay, few-shot and LM reward models need the built-in model (public/models/builtin).');
    return env.loadLanguageModel('builtin', env.backend);
  };
  const run: Run = {
    spec,
    arms,
    env,
    o,
    record,
    emit,
    save: async () => {
      record.updatedAt = now();
      await env.store.putRecord(record);
    },
    progress: progressReporter(record, arms, emit),
    lm: () => (run.shared ??= loadLm()),
    freshLm: loadLm,
    shared: null,
    onnx: new Map(),
    onnxLm: (location) => {
      let p = run.onnx.get(location);
      if (!p) {
        if (!env.loadOnnxModel) throw new ModelUnavailableError('No ONNX model can be loaded here: ONNX models run in the CLI (a folder, URL or hub repo) and in the app (the Models panel).');
        p = env.loadOnnxModel(location).then((lm) => {
          if (lm.onnx) noteOnnx(record, lm.onnx);
          return lm;
        });
        run.onnx.set(location, p);
      }
      return p;
    },
  };
  return run;
}

/** Trains arm i from its checkpoint (if any), logging its curve and checkpointing into the store. */
async function trainArm(run: Run, i: number, predictor: Trainable, train: readonly PreferencePair[], seed: number, seconds: () => number): Promise<void> {
  const { env, o, record, arms } = run;
  const arm = arms[i];
  const result = record.arms[i];
  const resume = await env.store.getCheckpoint(record.id, i);
  const { total } = stepsFor(train.length, arm.train);
  // Points logged after the checkpoint were not kept by it: they will be logged again.
  result.curve = resume ? resume.curve.slice() : [];
  const loop = await trainLoop(env.backend, predictor, train, arm.train, seed, {
    signal: o.signal,
    resume,
    checkpointEvery: env.checkpointEvery ?? 50,
    assertDevice: env.assertDevice,
    onLog: (point) => {
      result.curve.push(point);
      run.emit({ kind: 'metrics', runId: record.id, arm: i, armLabel: arm.label, point });
    },
    onStep: (step) => {
      if (step === 1 || step % 5 === 0 || step === total) run.progress(i, 'train', 0.9 * (step / total), `${arm.label}: step ${step} of ${total}`);
    },
    checkpoint: async (ck) => {
      await env.store.putCheckpoint({ ...ck, runId: record.id, arm: i });
      result.seconds = seconds();
      await run.save();
    },
  });
  result.curve = loop.curve;
  result.final = { ...loop.final, train_pairs: train.length, steps: loop.steps, resumed_from_step: loop.resumedFrom };
}

/** Scores arm i on every test set (and its conflicting subset), with per-persona scores. */
async function evaluateArm(run: Run, prep: Prepared, i: number, predictor: Predictor): Promise<void> {
  const { env, o, spec } = run;
  const arm = run.arms[i];
  const result = run.record.arms[i];
  result.sets = [];
  result.conflicting = [];
  result.perPersona = [];
  // Evaluation is the last 10% of a trained arm, and all of an untrained one (roleplay).
  const evalStart = isTrainable(predictor) ? 0.9 : 0;
  const evalTotal = TEST_SETS.reduce((n, s) => n + prep.test[s].length, 0);
  let evalDone = 0;
  for (const set of TEST_SETS) {
    const pairs = prep.test[set];
    if (pairs.length === 0) continue;
    const within = (done: number) => evalStart + (1 - evalStart) * ((evalDone + done) / Math.max(1, evalTotal));
    run.progress(i, 'eval', within(0), `${arm.label}: scoring ${set} pairs`);
    let lastReport = 0;
    const onProgress = (done: number) => {
      if (Date.now() - lastReport < 1000) return;
      lastReport = Date.now();
      run.progress(i, 'eval', within(done), `${arm.label}: scoring ${set} pairs (${done} of ${pairs.length})`);
    };
    env.assertDevice?.();
    // Out-of-memory and validation failures while scoring surface as typed errors too.
    const probs = await env.backend.guard(`scoring ${set} pairs (${arm.label})`, () => predictor.predict(pairs, o.signal, onProgress));
    evalDone += pairs.length;
    const { score, perPersona } = scoreSet(set, pairs, probs, spec.eval.confidence);
    result.sets.push(score);
    // The conflicting subset, from the same predictions.
    const sub = scoreSubset(set, pairs, probs, prep.conflict[set], spec.eval.confidence);
    if (sub) result.conflicting.push(sub);
    result.perPersona.push(...perPersona);
  }
}

/** Keeps a trained bag-of-features model in the store, so Stage 2 can score answers with it by run id. */
async function keepModel(run: Run, prep: Prepared, i: number, predictor: Predictor): Promise<void> {
  if (!(predictor instanceof BagScorer)) return;
  const arm = run.arms[i];
  const kept = { runId: run.record.id, arm: i, label: arm.label, spec: arm, datasetId: prep.dataset.id, model: await predictor.save() };
  await run.env.store.putModel(kept);
  run.record.arms[i].savedModel = { kind: 'bag-of-features', bytes: keptModelBytes(kept) };
}

/** One arm: its predictor, trained when trainable, then scored; the record is saved and sent. */
async function runArm(run: Run, prep: Prepared, i: number): Promise<void> {
  const { env, spec, record } = run;
  const arm = run.arms[i];
  const result = record.arms[i];
  const t0 = Date.now();
  const secondsBefore = result.seconds;
  const seconds = () => secondsBefore + (Date.now() - t0) / 1000;
  result.status = 'running';
  const seed = armSeed(spec.seed);
  const train = arm.method.kind === 'reward-model' ? trainingPairs(prep, arm.train, seed) : [];
  run.progress(i, 'features', 0, `${arm.label}: building the model`);
  const predictor = await (env.buildPredictor ?? buildPredictor)({
    be: env.backend,
    prep,
    arm,
    seed,
    train,
    lm: run.lm,
    freshLm: run.freshLm,
    onnxLm: run.onnxLm,
    onPrepare: (done, total) => run.progress(i, 'features', 0, `${arm.label}: encoding ${done} of ${total} texts`),
  });
  try {
    result.model = predictor.description;
    if (isTrainable(predictor)) await trainArm(run, i, predictor, train, seed, seconds);
    await evaluateArm(run, prep, i, predictor);
    await keepModel(run, prep, i, predictor);
  } finally {
    predictor.dispose();
  }
  result.status = 'done';
  result.seconds = seconds();
  record.importance = importanceOf(record, prep, spec);
  await run.save();
  // A finished arm's checkpoint is no longer needed (later arms have none yet).
  await env.store.deleteCheckpoints(record.id);
  run.emit({ kind: 'result', runId: record.id, final: false, record: structuredClone(record) });
}

async function finishRun(run: Run, prep: Prepared): Promise<RunRecord> {
  const { record } = run;
  record.status = 'done';
  record.importance = importanceOf(record, prep, run.spec);
  await run.save();
  await run.env.store.deleteCheckpoints(record.id);
  run.progress(run.arms.length - 1, 'done', 1, 'Done');
  run.emit({ kind: 'result', runId: record.id, final: true, record: structuredClone(record) });
  return record;
}

/** A cancelled or failed run: the record says why (and which arm), the checkpoint stays. */
async function stopRun(run: Run, e: unknown, current: number): Promise<RunRecord> {
  const { record, o } = run;
  const cancelled = e instanceof CancelledError || (e instanceof DOMException && e.name === 'AbortError') || o.signal?.aborted === true;
  const info = cancelled ? { name: 'CancelledError', message: 'The run was cancelled.' } : errorInfo(e);
  record.status = cancelled ? 'cancelled' : 'failed';
  record.error = info;
  if (current >= 0) {
    record.arms[current].status = cancelled ? 'cancelled' : 'failed';
    record.arms[current].error = info.message;
  }
  await run.save();
  const checkpointKept = current >= 0 && (await run.env.store.getCheckpoint(record.id, current)) !== null;
  run.emit({ kind: 'error', runId: record.id, name: info.name, message: info.message, checkpointKept });
  return record;
}

/** Runs (or resumes) a spec: open the record, prepare the data, run each unfinished arm, finish. */
export async function runExperiment(input: unknown, env: RunnerEnv, o: RunOptions = {}): Promise<RunRecord> {
  const spec = parseSpec(input);
  const arms = expandArms(spec);
  const record = await openRecord(spec, arms, env, o.runId);
  const run = startRun(spec, arms, env, o, record);
  await run.save();
  let current = -1;
  try {
    // A resumed run's bar starts where it stopped (its finished arms), not at zero.
    run.progress(Math.max(0, record.arms.findIndex((a) => a.status !== 'done')), 'data', 0, o.runId ? 'Resuming: preparing data' : 'Preparing data');
    const prep = await prepare(spec, env.loadData, o.signal);
    record.data = prep.summary;
    await run.save();
    for (let i = 0; i < arms.length; i++) {
      if (record.arms[i].status === 'done') continue;
      o.signal?.throwIfAborted();
      current = i;
      await runArm(run, prep, i);
    }
    return await finishRun(run, prep);
  } catch (e) {
    return await stopRun(run, e, current);
  } finally {
    if (run.shared) (await run.shared.catch(() => null))?.model.dispose();
    for (const p of run.onnx.values()) await (await p.catch(() => null))?.dispose?.();
  }
}

export { TEST_SETS };
