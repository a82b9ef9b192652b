// What the runner worker offers the app: every call the main thread may make, declared here so
// that the API is a decision, not a side effect. The worker implements this interface
// (src/worker/runner.worker.ts: `const api: RunnerApi`), so a new export of a worker module
// becomes callable only when it is added here. Plain, structured-cloneable data crosses; callbacks
// cross as comlink proxies (client.ts re-exports `proxy`).
import type { OnnxFetchProgressView, OnnxFetchRequest, OnnxJudgeRequest, OnnxJudgeView, OnnxModelView } from './onnx';
import type {
  DatasetListItem,
  DatasetRef,
  DatasetSnapshot,
  FolderFile,
  ImportOutcome,
  ImportProgressView,
  RowView,
  StatsView,
  StorageInfo,
} from './data';
import type { BackendAdvice } from './backend';
import type { RunEvent } from './events';
import type { CpuThreads, GpuStatus, SelftestCase, SelftestOutcome } from './gpu';
import type {
  BackendChoice,
  CachedModelView,
  CompareCatalog,
  GenerateOutcome,
  GenerateRequest,
  ModelInfoView,
  ModelLoadProgress,
  TokenEvent,
} from './models';
import type { AggregateView, ColumnsOutcome, ColumnsRequest, ColumnTokenEvent, ImportReport, ModelOption, RatingItem, RewardModelOption, Vote, VoteChoice } from './rating';
import type { AnalysisPresetInfo, AnalysisRun, AnalysisRunEvent } from './analysis-run';
import type { PolicyPresetInfo, PolicyRecord, PolicyRunEvent, PolicySpecCheck } from './policy';
import type { RunRecord } from './record';
import type { TrlCurves } from './trl';
import type { MethodOption, PresetInfo, SpecCheck } from './spec';

export interface RunnerApi {
  // The GPU panel (src/worker/gpu-status.ts, selftest.ts).
  gpuStatus(timeoutMs?: number): Promise<GpuStatus>;
  /** The cpu backend's threads in the runner ('auto': every core), started; what now runs. */
  setCpuThreads(threads: number | 'auto'): Promise<CpuThreads>;
  runSelftest(kernels?: string[], onCase?: (c: SelftestCase, done: number, total: number) => void): Promise<SelftestOutcome>;

  // The Data view (src/worker/data.ts).
  listDatasets(): Promise<DatasetListItem[]>;
  storageInfo(): Promise<StorageInfo | undefined>;
  deleteDataset(id: string): Promise<void>;
  openDataset(ref: DatasetRef): Promise<DatasetSnapshot>;
  statsOf(ref: DatasetRef): Promise<StatsView>;
  personaRows(ref: DatasetRef, personaId: string, limit?: number): Promise<RowView[]>;
  importFile(file: File, onProgress?: (p: ImportProgressView) => void): Promise<ImportOutcome>;
  importUrl(url: string, token: string | undefined, onProgress?: (p: ImportProgressView) => void): Promise<ImportOutcome>;
  importOpinionQa(files: FolderFile[]): Promise<ImportOutcome>;
  cancelImport(): void;

  // The Experiments and Results views (src/worker/experiments.ts).
  experimentPresets(): PresetInfo[];
  /** The methods an arm may use, for the spec builder's Method field. */
  experimentMethods(): MethodOption[];
  checkSpec(value: unknown): SpecCheck;
  /** The spec in a `#/experiments?spec=...` hash, checked; null when the hash has none. */
  specInHash(hash: string): SpecCheck | null;
  /** Which backend "Auto" runs `spec` on and why (the calibration, measured once and cached;
   * `remeasure` measures again). */
  backendAdvice(spec: unknown, remeasure?: boolean): Promise<BackendAdvice>;
  /** Runs `spec` (or resumes `resumeRunId`); `requestId` names the request for cancelRun. */
  runSpec(requestId: string, spec: unknown, o: { backend: BackendChoice; resumeRunId?: string }, onEvent: (e: RunEvent) => void): Promise<RunRecord>;
  cancelRun(requestId: string): boolean;
  listRuns(): Promise<RunRecord[]>;
  deleteRun(runId: string): Promise<void>;
  /** Keeps the records in a JSON export (one record or a list); returns their ids. */
  importRuns(text: string): Promise<string[]>;
  exportRuns(runIds: readonly string[], format: 'csv' | 'importance-csv' | 'json'): Promise<string>;
  /** A saved experiment run (kind 'policy': a saved policy run) as a TRL project (src/experiments/export/trl), zipped. */
  exportTrl(runId: string, kind?: 'experiment' | 'policy'): Promise<Uint8Array>;
  /** A TRL run's trainer_state.json as curves (src/experiments/import/trl). */
  trlCurves(text: string): TrlCurves;
  /** A TRL run's output folder into the model cache as trl/<folder> (an adapter merged into `base`). */
  importTrlModel(files: File[], base: { kind: 'builtin' } | { kind: 'cache'; group: string }): Promise<{ group: string; kind: 'adapter' | 'checkpoint'; curvePoints: number }>;
  /** A picked ONNX model folder into the model cache as onnx:<folder>, checked whole first (src/worker/onnx-models.ts). */
  importOnnxModel(files: File[]): Promise<OnnxModelView>;
  /** An ONNX model from the hub or a URL into the model cache, with progress. */
  downloadOnnxModel(req: OnnxFetchRequest, onProgress?: (p: OnnxFetchProgressView) => void): Promise<OnnxModelView>;
  /** A cached ONNX model as the judge of one pair (likelihood method; its session kept for the next pair). */
  judgeWithOnnx(req: OnnxJudgeRequest): Promise<OnnxJudgeView>;

  // The language model and the Compare view (src/worker/models.ts).
  /** `baseUrl`: where the built-in model's files are (tests pass one; the app uses its own). */
  loadBuiltinModel(onProgress?: (p: ModelLoadProgress) => void, backend?: BackendChoice, baseUrl?: string): Promise<ModelInfoView>;
  loadPickedModel(files: File[], onProgress?: (p: ModelLoadProgress) => void, backend?: BackendChoice): Promise<ModelInfoView>;
  loadCachedModel(group: string, onProgress?: (p: ModelLoadProgress) => void, backend?: BackendChoice): Promise<ModelInfoView>;
  loadedModel(): Promise<ModelInfoView | null>;
  compareCatalog(): Promise<CompareCatalog>;
  generateForPersonas(req: GenerateRequest, onToken?: (e: TokenEvent) => void): Promise<GenerateOutcome>;
  stopGeneration(): Promise<boolean>;
  listCachedModels(): Promise<CachedModelView[]>;
  deleteCachedModel(group: string): Promise<void>;

  // The generalised Compare view and blind rating (src/worker/columns.ts, rating.ts).
  /** The models a column may pick, with why the others cannot be picked now. */
  columnModels(): Promise<ModelOption[]>;
  /** Stage-1 runs whose kept reward model can score Compare answers (src/worker/compare-reward.ts). */
  rewardModelOptions(): Promise<RewardModelOption[]>;
  generateColumns(req: ColumnsRequest, onToken?: (e: ColumnTokenEvent) => void): Promise<ColumnsOutcome>;
  stopColumns(): Promise<boolean>;
  /** Rating items (pairs of columns per sample, shown in a seeded order), kept in IndexedDB. */
  blindItems(req: ColumnsRequest, outcome: ColumnsOutcome): Promise<RatingItem[]>;
  castVote(itemId: string, choice: VoteChoice, rater: string): Promise<Vote>;
  ratingPool(): Promise<{ datasetId: string; raterId: string; items: RatingItem[]; votes: Vote[] }>;
  /** This browser's rater's votes as a votes file (JSON). */
  exportVotes(): Promise<string>;
  importVotes(files: ReadonlyArray<{ name: string; text: string }>): Promise<ImportReport>;
  aggregateVotes(seed?: number): Promise<AggregateView>;

  // The Policies view: Stage-2 policy runs (src/worker/policies.ts).
  policyPresets(): PolicyPresetInfo[];
  checkPolicySpec(value: unknown): PolicySpecCheck;
  /** The spec in a `#/policies?spec=...` hash, checked; null when the hash has none. */
  policySpecInHash(hash: string): PolicySpecCheck | null;
  /** Which backend "Auto" runs a policy spec on (language-model work) and why. */
  policyBackendAdvice(remeasure?: boolean): Promise<BackendAdvice>;
  /** Runs a policy spec (or resumes `resumeRunId` from its last checkpoint); `requestId` names it for cancelPolicyRun. */
  runPolicySpec(requestId: string, spec: unknown, o: { backend: BackendChoice; resumeRunId?: string }, onEvent: (e: PolicyRunEvent) => void): Promise<PolicyRecord>;
  cancelPolicyRun(requestId: string): boolean;
  listPolicyRuns(): Promise<PolicyRecord[]>;
  deletePolicyRun(runId: string): Promise<void>;
  exportPolicyRun(runId: string, format: 'csv' | 'json'): Promise<string>;
  /** Keeps the policy records of a JSON file (one or a list: the CLI's runs/policy/ID.json, or exportPolicyRun's JSON); returns their ids. */
  importPolicyRuns(text: string): Promise<string[]>;

  // The Models of preference view: issue 13's analyses (src/worker/analysis.ts).
  /** Every analysis preset; those the app cannot run (files on disk) say why. */
  analysisPresets(): AnalysisPresetInfo[];
  /** Runs a preset on a thread of its own (CPU; progress lines as events); `requestId` names it for cancelAnalysis.
   * Resolves with the saved run, also when it was cancelled or failed (its status says so). */
  runAnalysisPreset(requestId: string, preset: string, onEvent: (e: AnalysisRunEvent) => void): Promise<AnalysisRun>;
  cancelAnalysis(requestId: string): boolean;
  listAnalysisRuns(): Promise<AnalysisRun[]>;
  deleteAnalysisRun(runId: string): Promise<void>;
  /** 'json': the AnalysisRecord as `analysis run --out` writes it; 'csv': as `--csv`. */
  exportAnalysisRun(runId: string, format: 'csv' | 'json'): Promise<string>;
}
