// Messages between the app and the runner worker about language models and the Compare view:
// the loaded model's description, load progress, the catalog of instructions and personas to
// compare, generation requests and streamed tokens, and the browser's model cache. Plain,
// structured-cloneable data only; the worker fills these from src/models and src/data.

export type ModelSourceKind = 'builtin' | 'picked' | 'url' | 'cache';
export type BackendChoice = 'auto' | 'cpu' | 'webgpu';

export interface ModelInfoView {
  /** 'builtin', or a name from the checkpoint's folder / URL. */
  name: string;
  source: ModelSourceKind;
  /** Where the files came from, in words (a URL, "picked files", a cache entry). */
  where: string;
  architecture: string;
  parameters: number;
  /** Bytes of the weight files. */
  bytes: number;
  dtype: string | null;
  layers: number;
  hiddenSize: number;
  vocabSize: number;
  contextLength: number;
  hasChatTemplate: boolean;
  /** The built-in model's prompt layout (its chat template): prompts show only the attributes it
   * was trained on. */
  builtinFormat: boolean;
  backend: 'cpu' | 'webgpu';
  loadSeconds: number;
  /** The built-in model's training report (training.json), when shipped with it. */
  training?: BuiltinTrainingView;
}

export interface BuiltinTrainingView {
  tokensSeen: number;
  steps: number;
  finalTrainLoss: number;
  heldOutLoss: number;
  unigramLoss: number;
  crossPersonaAccuracy: number;
  trainSeconds: number;
}

export interface ModelLoadProgress {
  phase: 'fetch' | 'weights';
  /** The file or tensor being read. */
  item: string;
  done: number;
  total: number;
}

export interface CompareInstruction {
  id: string;
  text: string;
  topic: string;
}

export interface PersonaTasteView {
  axis: string;
  pole: string;
  value: number;
}

export interface ComparePersona {
  id: string;
  /** A short line: age, sex, job, politics, religion. */
  label: string;
  /** Every attribute, in PERSONA's order, as [key, value] text. */
  attributes: Array<[string, string]>;
  /** The planted tastes of a built-in persona, strongest first. */
  tastes: PersonaTasteView[];
}

export interface CompareCatalog {
  dataset: string;
  instructions: CompareInstruction[];
  personas: ComparePersona[];
  /** The attributes the built-in model reads in its prompt. */
  modelAttributes: string[];
}

export interface GenerateRequest {
  instruction: string;
  /** One generation per persona, as rows of one batch. */
  personaIds: string[];
  seed: number;
  /** 0 = greedy. */
  temperature: number;
  topP: number;
  maxNewTokens: number;
}

/** A row's text so far, sent after each new token. */
export interface TokenEvent {
  row: number;
  /** The answer so far. */
  text: string;
  /** The built-in model's style line so far: what it reads the persona as preferring. */
  style?: string;
  tokens: number;
}

export interface GenerationView {
  personaId: string;
  /** The answer. */
  text: string;
  /** The built-in model's style line ("a formal tone; secular framing"), before its answer. */
  style?: string;
  tokens: number;
  promptTokens: number;
  stopReason: string;
}

export interface GenerateOutcome {
  model: string;
  backend: 'cpu' | 'webgpu';
  generations: GenerationView[];
  seconds: number;
  tokensPerSecond: number;
}

export interface CachedModelView {
  group: string;
  files: number;
  bytes: number;
}
