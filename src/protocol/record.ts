// A run record: everything needed to read, compare, share and reproduce a run — its spec and
// seed, where it ran (backend, adapter), the app version, the data it saw, and per arm the
// accuracies on each test set with intervals, per-persona scores, and the training curve with
// TRL's metric names. Plain JSON (types, and one reader for the backends it ran on); the Results view, the CSV/JSON export and IndexedDB all use it.
import type { ExpandedArm, ExperimentSpec } from './spec';

/** The three test sets, always reported separately (DESIGN.md, "The science"). */
export type PairSetName = 'generic' | 'cross' | 'unseen';

export const RECORD_VERSION = 1;

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';
export type ArmStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

/** Accuracy of one arm on one test set. Ties (equal scores) count half. */
export interface SetScore {
  set: PairSetName;
  n: number;
  correct: number;
  accuracy: number;
  /** Wilson interval at the spec's confidence. */
  lo: number;
  hi: number;
}

/** One persona's score on one set (the unit the bootstrap resamples). */
export interface PersonaScore {
  personaId: string;
  set: PairSetName;
  n: number;
  correct: number;
}

/** One logged point of training: `step` plus TRL-named metrics (loss, rewards/accuracies, ...). */
export type CurvePoint = { step: number; epoch: number } & Record<string, number>;

export interface ArmResult {
  label: string;
  role: ExpandedArm['role'];
  leftOut?: string;
  sweptArm?: number;
  /** Method in words, e.g. "reward model (Bradley–Terry)". */
  method: string;
  /** Attribute subset name, e.g. "all", "none", "all - religion". */
  subset: string;
  /** Model and training mode in words, e.g. "features (16 dims), frozen". */
  model: string;
  status: ArmStatus;
  error?: string;
  sets: SetScore[];
  /**
   * The same test sets restricted to their conflicting pairs: pairs where the persona's
   * preference differs from the pooled (persona-blind) one. That is where conditioning must pay
   * off: a model that follows the pool scores 0% there, a perfect conditional one 100%. One entry
   * per set with such pairs (`n` is the subset's size); absent in records written before it.
   */
  conflicting?: SetScore[];
  perPersona: PersonaScore[];
  curve: CurvePoint[];
  /** Final training metrics (TRL names) and sizes: train pairs, steps, parameters. */
  final: Record<string, number>;
  seconds: number;
  /**
   * The trained reward model the run kept (in its store, beside the record), which Stage 2 can
   * load by run id; absent for untrained arms, models that cannot be kept yet (language-model
   * reward models) and records written before models were kept.
   */
  savedModel?: { kind: 'bag-of-features'; bytes: number };
}

/** Importance of an attribute: accuracy with all attributes minus accuracy with it left out. */
export interface Importance {
  attribute: string;
  set: PairSetName;
  drop: number;
  /** Percentile bootstrap interval at the spec's confidence, for this attribute alone. */
  lo: number;
  hi: number;
  /**
   * Simultaneous interval over the sweep's m attributes (Bonferroni: drop ± z(1 - α/2m) × the
   * bootstrap standard error): with 33 intervals at 95% each, one or two exclude zero by chance;
   * these hold for all of them together at the spec's confidence.
   */
  simLo: number;
  simHi: number;
  /** For the built-in dataset: the attribute's planted role. */
  role?: 'driver' | 'proxy' | 'irrelevant';
}

export interface DataSummary {
  id: string;
  name: string;
  personas: number;
  rows: number;
  seenPersonas: number;
  unseenPersonas: number;
  pairs: { train: number; generic: number; cross: number; unseen: number };
  /** Built-in: the Bayes-optimal and persona-blind accuracies on each test set (realized).
   * OpinionQA: `bayes` is the noise ceiling given the group sizes (a predictor that knows each
   * group's true shares) and `blind` the pooled predictor's accuracy; see `ceilingBasis`. */
  ceilings?: Partial<Record<PairSetName, { bayes: number; blind: number }>>;
  /** What the ceilings rest on: the built-in world's planted truth, or the groups' sizes. */
  ceilingBasis?: 'planted truth' | 'group sizes';
  /** Test pairs per set on which the persona's preference differs from the pooled one. */
  conflicting?: Partial<Record<PairSetName, number>>;
  /** What the sets mean for this source, when it differs from PERSONA's (OpinionQA's generic set). */
  notes?: string[];
}

export interface RunBackend {
  kind: 'cpu' | 'webgpu';
  adapter: string | null;
  /** The GPU kernel variants it ran, e.g. "subgroups, f32, vec4 loads (tiled), fused attention" (webgpu). */
  kernels?: string;
  /** The onnxruntime-web execution provider its ONNX arms ran on (absent when no arm read an ONNX model). */
  onnx?: OnnxRuntimeInfo;
}

/**
 * Where a run's ONNX models ran: the execution provider asked for (WebGPU when the run computes on
 * WebGPU, else WASM) and the one that ran, with why when they differ (a WebGPU EP that could not start).
 */
export interface OnnxRuntimeInfo {
  provider: 'wasm' | 'webgpu';
  asked: 'wasm' | 'webgpu';
  fallback?: string;
}

/** Where a run's ONNX models ran, in words: "ONNX on onnxruntime-web's WebGPU EP" (or WASM, and "asked WebGPU" when it fell back). */
export function onnxRanOn(info: OnnxRuntimeInfo): string {
  const ep = (p: OnnxRuntimeInfo['provider']) => (p === 'webgpu' ? 'WebGPU' : 'WASM');
  return `ONNX on onnxruntime-web's ${ep(info.provider)} EP${info.provider !== info.asked ? ` (${ep(info.asked)} EP asked for, could not start)` : ''}`;
}

/** Every backend a run ran on (older records name only the last one). */
export function backendsOf(r: Pick<RunRecord, 'backend' | 'backends'>): RunBackend[] {
  return r.backends?.length ? r.backends : [r.backend];
}

export interface RunRecord {
  recordVersion: typeof RECORD_VERSION;
  id: string;
  name: string;
  spec: ExperimentSpec;
  seed: number;
  appVersion: string;
  /** Where it computes now (the last backend it ran on). */
  backend: RunBackend;
  /** Every backend it ran on, in order (a run resumed elsewhere lists both); absent in records
   * written before this field (read it through backendsOf). */
  backends?: RunBackend[];
  /** Why the backend was chosen when "Auto" chose it (the calibration's numbers). */
  backendReason?: string;
  createdAt: string;
  updatedAt: string;
  status: RunStatus;
  error?: { name: string; message: string };
  data: DataSummary | null;
  arms: ArmResult[];
  importance: Importance[];
}
