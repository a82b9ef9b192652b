// The runner's language model: one loaded at a time (the built-in model the app ships, or a
// user's checkpoint from picked files or the model cache), generation for several personas at
// once as rows of one batch with every new token streamed to the UI, and the browser's model
// cache (list, delete). Only plain data crosses to the UI (../protocol/models).
import { AXES, DEFAULT_BUILTIN, QUESTIONS, generateBuiltin, tastes, type Attributes, type BuiltinDataset } from '../data';
import type {
  BackendChoice,
  CachedModelView,
  CompareCatalog,
  ComparePersona,
  GenerateOutcome,
  GenerateRequest,
  ModelInfoView,
  ModelLoadProgress,
  ModelSourceKind,
  TokenEvent,
} from '../protocol/models';
import { expectedTensors, pickedFiles, readConfig, type CheckpointFiles } from '../models/checkpoint';
import { generate } from '../models/generate/generate';
import { ModelCache } from '../models/hub/cache';
import { cachedCheckpoint } from '../models/hub/fetch-checkpoint';
import { BUILTIN_CHAT_TEMPLATE } from '../models/builtin/spec';
import { memoryFiles } from '../models/io/memory-files';
import type { LlamaModel } from '../models/llama/model';
import { loadModel } from '../models/load-model';
import type { TextTokenizer } from '../models/tokenizer';
import { BUILTIN_MODEL_ATTRIBUTES, splitAssistantText } from '../models/builtin/format';
import { answerPrompt, readPersona, type PersonaReading } from '../models/builtin/read-persona';
import { backendFor } from './backend';
import { CONDITION_FILE, POLICY_CARD, parsePolicyCard, readSavedCondition, type PolicyCard } from '../experiments/policy/save';
import { fetchBuiltinFiles } from './builtin-files';
import { GenerationBusyError, NoModelLoadedError } from './model-errors';
import { dropOnnxColumn } from './onnx-models';
import { personaPrompt } from './persona-prompt';
import type { HostConditionTable } from '../train/policy/condition-embedding';

/** Models below this many parameters generate on the cpu backend under 'auto': per-token GPU
 * dispatch and readback cost more than the whole forward pass of a model this small. */
const SMALL_MODEL_PARAMETERS = 20_000_000;

export interface Loaded {
  info: ModelInfoView;
  model: LlamaModel;
  tokenizer: TextTokenizer;
  builtin: boolean;
  /** A Stage-2 policy folder's card (`policy run --save`): the persona lines it reads, its layout. */
  policy?: PolicyCard;
  /** An embedding-placed directional policy's table (the folder's CONDITION_FILE), null when the folder lacks it. */
  condition?: HostConditionTable | null;
}

/** The card of a saved policy folder, when the files have one. */
async function policyCardOf(files: CheckpointFiles): Promise<PolicyCard | undefined> {
  const f = await files.get(POLICY_CARD);
  return f ? (parsePolicyCard(new TextDecoder().decode(await f.read(0, f.size))) ?? undefined) : undefined;
}

/** The direction table beside a directional policy that reads one (null: the card says it should, the folder lacks it). */
async function conditionOf(files: CheckpointFiles, card: PolicyCard | undefined): Promise<Loaded['condition']> {
  if (card?.directional?.placement !== 'embedding') return undefined;
  const f = await files.get(CONDITION_FILE);
  const saved = f ? await readSavedCondition({ [CONDITION_FILE]: await f.read(0, f.size) }) : null;
  return saved;
}

let loaded: Loaded | null = null;
let loading: Promise<ModelInfoView> | null = null;
let running: AbortController | null = null;
let dataset: BuiltinDataset | null = null;

function builtinDataset(): BuiltinDataset {
  dataset ??= generateBuiltin(DEFAULT_BUILTIN);
  return dataset;
}

/** Parameters the config implies (read before choosing a backend; weights are not read). */
async function parametersOf(files: CheckpointFiles): Promise<number> {
  let n = 0;
  for (const shape of expectedTensors(await readConfig(files)).values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}

async function load(files: CheckpointFiles, name: string, source: ModelSourceKind, choice: BackendChoice, onProgress?: (p: ModelLoadProgress) => void, training?: ModelInfoView['training']): Promise<ModelInfoView> {
  const t0 = performance.now();
  const parameters = await parametersOf(files);
  const { backend } = await backendFor(choice === 'auto' && parameters < SMALL_MODEL_PARAMETERS ? 'cpu' : choice);
  const result = await loadModel(backend, files, {
    onProgress: (p) => onProgress?.({ phase: 'weights', item: p.tensor, done: p.loaded, total: p.total }),
  });
  let bytes = 0;
  for (const n of files.names()) if (n.endsWith('.safetensors')) bytes += (await files.get(n))?.size ?? 0;
  const c = result.config;
  // The built-in model's files loaded from anywhere (picked, cached) keep their prompt layout.
  const builtin = source === 'builtin' || result.tokenizer.chatTemplate === BUILTIN_CHAT_TEMPLATE;
  const info: ModelInfoView = {
    name,
    source,
    where: files.where,
    architecture: c.architecture,
    parameters,
    bytes,
    dtype: c.torchDtype,
    layers: c.numLayers,
    hiddenSize: c.hiddenSize,
    vocabSize: c.vocabSize,
    contextLength: c.maxPositionEmbeddings,
    hasChatTemplate: result.tokenizer.chatTemplate !== null,
    builtinFormat: builtin,
    backend: backend.name === 'webgpu' ? 'webgpu' : 'cpu',
    loadSeconds: (performance.now() - t0) / 1000,
    training,
  };
  loaded?.model.dispose();
  const policy = await policyCardOf(files);
  loaded = { info, model: result.model, tokenizer: result.tokenizer, builtin, policy, condition: await conditionOf(files, policy) };
  return info;
}

/** Serializes loads: a second request waits for the first, then replaces it. */
function exclusive(fn: () => Promise<ModelInfoView>): Promise<ModelInfoView> {
  const prev = loading ?? Promise.resolve(null);
  const next = prev.catch(() => null).then(fn);
  loading = next;
  return next.finally(() => {
    if (loading === next) loading = null;
  });
}

/** Loads the built-in model from the app's own files (public/models/builtin; tests pass a URL). */
export function loadBuiltinModel(onProgress?: (p: ModelLoadProgress) => void, backend: BackendChoice = 'auto', baseUrl?: string): Promise<ModelInfoView> {
  return exclusive(async () => {
    if (loaded?.info.source === 'builtin' && (backend === 'auto' || loaded.info.backend === backend)) return loaded.info;
    const { files, training, where } = await fetchBuiltinFiles((item, done, total) => onProgress?.({ phase: 'fetch', item, done, total }), baseUrl);
    return load(memoryFiles(files, where), 'built-in tiny model', 'builtin', backend, onProgress, training);
  });
}

/** Loads a checkpoint from files the user picked (config.json, tokenizer files, weights). */
export function loadPickedModel(files: File[], onProgress?: (p: ModelLoadProgress) => void, backend: BackendChoice = 'auto'): Promise<ModelInfoView> {
  return exclusive(() => {
    const folder = files.find((f) => f.webkitRelativePath)?.webkitRelativePath.split('/')[0];
    return load(pickedFiles(files), folder ?? 'picked checkpoint', 'picked', backend, onProgress);
  });
}

/** Loads a checkpoint already in the model cache (downloaded earlier from the hub or a URL). */
export function loadCachedModel(group: string, onProgress?: (p: ModelLoadProgress) => void, backend: BackendChoice = 'auto'): Promise<ModelInfoView> {
  return exclusive(async () => load(await cachedCheckpoint(await ModelCache.open(), group), group, 'cache', backend, onProgress));
}

/** The model the Models panel loaded (a Compare column's 'loaded' model id), if any. */
export function currentModel(): Loaded | null {
  return loaded;
}

/** The built-in dataset the Compare view's personas and questions come from (generated once). */
export function compareDataset(): BuiltinDataset {
  return builtinDataset();
}

export async function loadedModel(): Promise<ModelInfoView | null> {
  return loaded?.info ?? null;
}

/** Instructions and personas of the built-in dataset, for the Compare view's pickers. */
export async function compareCatalog(): Promise<CompareCatalog> {
  const ds = builtinDataset();
  const personas: ComparePersona[] = ds.personas.map((p) => {
    const t = tastes(p.attributes);
    const order = AXES.map((_, k) => k).sort((a, b) => Math.abs(t[b]) - Math.abs(t[a]));
    return {
      id: p.id,
      label: personaLabel(p.id, p.attributes),
      attributes: Object.entries(p.attributes).map(([k, v]) => [k, String(v)]),
      tastes: order.map((k) => ({ axis: AXES[k].id, pole: t[k] >= 0 ? AXES[k].positive : AXES[k].negative, value: t[k] })),
    };
  });
  return {
    dataset: ds.name,
    instructions: QUESTIONS.map((q) => ({ id: q.id, text: q.text, topic: q.topic })),
    personas,
    modelAttributes: [...BUILTIN_MODEL_ATTRIBUTES],
  };
}

/** What the UI shows of freely generated text: the built-in model's style line apart from its answer. */
function shown(text: string, builtin: boolean): { text: string; style?: string } {
  if (!builtin) return { text: text.trimStart() };
  const { style, answer } = splitAssistantText(text);
  return { text: answer, style };
}

/** "b0042 · 58, Female, Line cook at a busy diner · Very conservative, Agnostic" (text only). */
export function personaLabel(id: string, a: Attributes): string {
  const who = [a.age, a.sex, a['detailed job description'] ?? a['occupation category']].filter((v) => v !== undefined && v !== '');
  const views = [a['political views'], a.religion].filter((v) => v !== undefined && v !== '');
  return [id, who.join(', '), views.join(', ')].filter((s) => s !== '').join(' · ');
}

/**
 * Generates an answer to one instruction for each persona (rows of one batch, one seed), calling
 * onToken with a row's text after each of its new tokens.
 */
export async function generateForPersonas(req: GenerateRequest, onToken?: (e: TokenEvent) => void): Promise<GenerateOutcome> {
  const current = loaded;
  if (!current) throw new NoModelLoadedError();
  if (running) throw new GenerationBusyError();
  const ds = builtinDataset();
  const byId = new Map(ds.personas.map((p) => [p.id, p]));
  const personas = req.personaIds.map((id) => {
    const p = byId.get(id);
    if (!p) throw new RangeError(`Unknown persona '${id}' (the Compare view uses the built-in dataset's personas).`);
    return p;
  });
  if (req.instruction.trim() === '') throw new RangeError('The instruction is empty.');
  const controller = new AbortController();
  running = controller;
  const t0 = performance.now();
  try {
    // A built-in question on the built-in model: the guided decode (read-persona.ts), whose style
    // line is shown as soon as it is read; anything else is generated freely.
    const question = current.builtin ? QUESTIONS.find((q) => q.text === req.instruction) : undefined;
    let readings: PersonaReading[] | null = null;
    if (question) {
      readings = [];
      for (const [row, p] of personas.entries()) {
        // Stopped while reading: every row ends 'aborted', with the style lines read so far.
        if (controller.signal.aborted) {
          const style = (i: number) => readings?.[i]?.style;
          return { model: current.info.name, backend: current.info.backend, generations: personas.map((q, i) => ({ personaId: q.id, text: '', style: style(i), tokens: 0, promptTokens: 0, stopReason: 'aborted' })), seconds: (performance.now() - t0) / 1000, tokensPerSecond: 0 };
        }
        const r = await readPersona(current.model, current.tokenizer, question, p.attributes, { temperature: req.temperature, seed: req.seed });
        readings.push(r);
        onToken?.({ row, text: '', style: r.style, tokens: 0 });
      }
    }
    const prompts = personas.map((p, i) =>
      current.tokenizer.encode(question && readings ? answerPrompt(current.tokenizer, question, p.attributes, readings[i]) : personaPrompt(current.tokenizer, p.attributes, req.instruction, current.builtin)),
    );
    const view = (row: number, text: string) => (readings ? { text: text.trim(), style: readings[row].style } : shown(text, current.builtin));
    const counts = new Array<number>(prompts.length).fill(0);
    const out = await generate(current.model, current.tokenizer, prompts, {
      maxNewTokens: req.maxNewTokens,
      temperature: req.temperature,
      topP: req.topP,
      seed: req.seed,
      vocabLimit: current.tokenizer.size,
      signal: controller.signal,
      onToken: (row, _id, text) => onToken?.({ row, ...view(row, text), tokens: ++counts[row] }),
    });
    const seconds = (performance.now() - t0) / 1000;
    const tokens = out.reduce((n, g) => n + g.ids.length, 0);
    return {
      model: current.info.name,
      backend: current.info.backend,
      generations: out.map((g, i) => ({ personaId: personas[i].id, ...view(i, g.text), tokens: g.ids.length, promptTokens: prompts[i].length, stopReason: g.reason })),
      seconds,
      tokensPerSecond: tokens / Math.max(seconds, 1e-9),
    };
  } finally {
    running = null;
  }
}

/** Stops the running generation after its current token (its rows end as 'aborted'). */
export async function stopGeneration(): Promise<boolean> {
  if (!running) return false;
  running.abort();
  return true;
}

export async function listCachedModels(): Promise<CachedModelView[]> {
  const cache = await ModelCache.open();
  return (await cache.list()).map((g) => ({ group: g.group, files: g.files.length, bytes: g.bytes }));
}

export async function deleteCachedModel(group: string): Promise<void> {
  await (await ModelCache.open()).deleteGroup(group);
  await dropOnnxColumn(group);
}
