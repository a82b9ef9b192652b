// From an ONNX model's files (a folder on disk, picked files, the model cache) to a running
// OnnxLm, in the order that keeps mistakes cheap: config.json and the tokenizer first, a memory
// check from the file's size before reading it, then the graph checked (decoder layout, fp32,
// complete) before onnxruntime-web sees a byte.
import { padBatch } from '../batch';
import { readText, type CheckpointFiles } from '../checkpoint';
import type { ModelConfig } from '../config';
import { TextTokenizer } from '../tokenizer';
import { MissingOnnxFileError, OnnxMissingFileError } from './errors';
import { inspectOnnx } from './inspect';
import { checkDecoder, checkOnnxFits, estimateOnnxMemory, parseOnnxConfig, type OnnxDecoderLayout, type OnnxMemoryOptions, type OnnxModelConfig } from './layout';
import { OnnxLm, type OnnxProvider, type OrtModule } from './onnx-lm';

/** Where transformers.js puts the fp32 decoder, then a bare model.onnx (picked files lose folders). */
export const ONNX_MODEL_FILES = ['onnx/model.onnx', 'model.onnx'] as const;
export const ONNX_SIDE_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

export interface CheckedOnnx {
  config: OnnxModelConfig;
  tokenizer: TextTokenizer;
  layout: OnnxDecoderLayout;
  /** The .onnx file's name among the files, and its bytes. */
  file: string;
  bytes: Uint8Array;
  /** Estimated bytes to run it (layout.ts). */
  estimate: number;
}

/** The .onnx file to load, or MissingOnnxFileError listing the variants present. */
export async function pickOnnxFile(files: CheckpointFiles): Promise<string> {
  const names = files.names();
  const listed = ONNX_MODEL_FILES.find((n) => names.includes(n));
  if (listed) return listed;
  // Remote files list only what was opened: ask for each candidate.
  for (const n of ONNX_MODEL_FILES) if (await files.get(n)) return n;
  throw new MissingOnnxFileError(files.where, names.filter((n) => n.endsWith('.onnx')));
}

export async function openOnnxTokenizer(files: CheckpointFiles, config: OnnxModelConfig): Promise<TextTokenizer> {
  const tj = await files.get('tokenizer.json');
  if (!tj) throw new OnnxMissingFileError('tokenizer.json', files.where);
  const tc = await files.get('tokenizer_config.json');
  // The tokenizer reads only these fields of a model config (ids it checks against the vocabulary).
  const ids = { bosTokenId: config.bosTokenId, eosTokenIds: config.eosTokenIds, padTokenId: config.padTokenId, vocabSize: config.vocabSize } as ModelConfig;
  return TextTokenizer.fromJson(await readText(tj), tc ? await readText(tc) : {}, ids);
}

/** Everything but the session: refuses what is not a runnable fp32 decoder, or too large. */
export async function checkOnnxFiles(files: CheckpointFiles, o: OnnxMemoryOptions = {}): Promise<CheckedOnnx> {
  const configSource = await files.get('config.json');
  if (!configSource) throw new OnnxMissingFileError('config.json', files.where);
  const config = parseOnnxConfig(await readText(configSource));
  const tokenizer = await openOnnxTokenizer(files, config);
  const file = await pickOnnxFile(files);
  const source = (await files.get(file))!;
  const guess = { numLayers: config.numLayers, positionIds: true, kvHeads: config.numKvHeads, headDim: config.headDim };
  checkOnnxFits(estimateOnnxMemory(source.size, config, guess, o), o);
  const bytes = await source.read(0, source.size);
  const layout = checkDecoder(inspectOnnx(bytes, file), config, file);
  const estimate = estimateOnnxMemory(source.size, config, layout, o);
  checkOnnxFits(estimate, o);
  return { config, tokenizer, layout, file, bytes, estimate };
}

/**
 * onnxruntime-web's WebGPU build, which runs the WASM EP too: one build (one 28 MB .wasm in the
 * app's assets) serves both providers, in browsers and in Node (there with one thread).
 */
export async function loadOrt(): Promise<OrtModule> {
  const ort = (await import('onnxruntime-web/webgpu')) as OrtModule;
  const node = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof window === 'undefined';
  // Node: one thread keeps the CLI and tests modest and their numbers reproducible.
  if (node) ort.env.wasm.numThreads = 1;
  return ort;
}

export interface LoadedOnnx extends CheckedOnnx {
  lm: OnnxLm;
}

export interface LoadOnnxOptions extends OnnxMemoryOptions {
  provider?: OnnxProvider;
  /** An already loaded onnxruntime-web (tests in Node pass the WebGPU build on Dawn). */
  ort?: OrtModule;
}

export async function loadOnnxModel(files: CheckpointFiles, o: LoadOnnxOptions = {}): Promise<LoadedOnnx> {
  const checked = await checkOnnxFiles(files, o);
  const provider = o.provider ?? 'wasm';
  const lm = await OnnxLm.create(o.ort ?? (await loadOrt()), checked.bytes, checked.config, checked.layout, provider);
  return { ...checked, lm };
}

export interface LoadedOnnxRun extends LoadedOnnx {
  /** The provider asked for; `lm.provider` is the one that runs. */
  asked: OnnxProvider;
  /** Why it runs on another provider than asked (the WebGPU EP could not start), in words. */
  fallback?: string;
}

/**
 * Loads for a run that prefers `provider`: WebGPU is tried first (a session created and one token
 * run through it, so a device or kernel failure shows here rather than mid-arm), and when its EP
 * cannot start the model runs on the WASM EP, with the reason kept. WASM is asked for as is.
 */
export async function loadOnnxPreferring(files: CheckpointFiles, provider: OnnxProvider, o: Omit<LoadOnnxOptions, 'provider'> = {}): Promise<LoadedOnnxRun> {
  const checked = await checkOnnxFiles(files, o);
  const ort = o.ort ?? (await loadOrt());
  const create = (p: OnnxProvider) => OnnxLm.create(ort, checked.bytes, checked.config, checked.layout, p);
  if (provider === 'wasm') return { ...checked, lm: await create('wasm'), asked: 'wasm' };
  let why: string;
  try {
    const lm = await create('webgpu');
    try {
      await lm.lastTokenLogits(padBatch([[checked.tokenizer.padId]], checked.tokenizer.padId), [0]);
      return { ...checked, lm, asked: 'webgpu' };
    } catch (e) {
      await lm.dispose();
      throw e;
    }
  } catch (e) {
    why = (e as Error).message;
  }
  const lm = await create('wasm');
  return { ...checked, lm, asked: 'webgpu', fallback: `onnxruntime-web's WebGPU EP could not start (${why}); this model ran on its WASM EP instead` };
}
