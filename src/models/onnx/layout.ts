// What the ONNX source needs to know about a decoder before creating a session: its config.json
// (layers, KV heads, head size, vocabulary, context; any architecture, since onnxruntime runs the
// graph), the graph checked for the transformers.js decoder layout and for fp32, and a memory
// estimate held against onnxruntime-web's WebAssembly heap. All from bytes, no runtime.
import { InvalidConfigFieldError, MissingConfigFieldError } from '../errors';
import { NotAnOnnxDecoderError, OnnxDtypeError, OnnxExternalDataError, OnnxTooLargeError } from './errors';
import { dtypeName, type OnnxGraphInfo } from './inspect';
import { ONNX_DTYPE } from './graph-builder';

export interface OnnxModelConfig {
  modelType: string;
  numLayers: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  contextLength: number;
  bosTokenId: number | null;
  eosTokenIds: number[];
  padTokenId: number | null;
}

type Json = Record<string, unknown>;

/** Context length when config.json states none. */
const MAX_CONTEXT_DEFAULT = 2048;

const int = (j: Json, ...keys: string[]): number | undefined => {
  for (const k of keys) {
    const v = j[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new InvalidConfigFieldError(k, v, 'a positive integer');
    return v;
  }
  return undefined;
};

/** The fields of config.json the ONNX source reads (the graph does the rest). */
export function parseOnnxConfig(text: string): OnnxModelConfig {
  let j: Json;
  try {
    j = JSON.parse(text) as Json;
  } catch (e) {
    throw new InvalidConfigFieldError('(file)', text.slice(0, 40), `JSON (${(e as Error).message})`);
  }
  const layers = int(j, 'num_hidden_layers', 'n_layer', 'num_layers');
  const heads = int(j, 'num_attention_heads', 'n_head');
  const hidden = int(j, 'hidden_size', 'n_embd', 'd_model');
  const vocab = int(j, 'vocab_size');
  const missing = [layers ? null : 'num_hidden_layers', heads ? null : 'num_attention_heads', hidden ? null : 'hidden_size', vocab ? null : 'vocab_size'].filter((x): x is string => x !== null);
  if (missing.length > 0) throw new MissingConfigFieldError(missing);
  const eos = j.eos_token_id;
  const id = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
  return {
    modelType: typeof j.model_type === 'string' ? j.model_type : 'unknown',
    numLayers: layers!,
    numKvHeads: int(j, 'num_key_value_heads') ?? heads!,
    headDim: int(j, 'head_dim') ?? hidden! / heads!,
    vocabSize: vocab!,
    contextLength: int(j, 'max_position_embeddings', 'n_positions') ?? MAX_CONTEXT_DEFAULT,
    bosTokenId: id(j.bos_token_id),
    eosTokenIds: Array.isArray(eos) ? eos.map(id).filter((x): x is number => x !== null) : id(eos) !== null ? [id(eos)!] : [],
    padTokenId: id(j.pad_token_id),
  };
}

export interface OnnxDecoderLayout {
  numLayers: number;
  /** The graph takes position_ids (most exports do). */
  positionIds: boolean;
  /** Past key/value dims [B, Hkv, P, D] as the graph states them, else config.json's. */
  kvHeads: number;
  headDim: number;
}

const QUANTIZED_OPS = ['MatMulNBits', 'DequantizeLinear', 'DynamicQuantizeLinear', 'MatMulInteger', 'QLinearMatMul', 'GatherBlockQuantized'];

/** Checks the graph against the decoder layout and the fp32 rule; returns what a session needs. */
export function checkDecoder(info: OnnxGraphInfo, config: OnnxModelConfig, file: string): OnnxDecoderLayout {
  const inputs = new Map(info.inputs.map((v) => [v.name, v]));
  const outputs = new Map(info.outputs.map((v) => [v.name, v]));
  const listed = `inputs: ${info.inputs.map((v) => v.name).join(', ') || 'none'}; outputs: ${info.outputs.map((v) => v.name).join(', ') || 'none'}`;
  for (const name of ['input_ids', 'attention_mask']) if (!inputs.has(name)) throw new NotAnOnnxDecoderError(file, `no input ${name}; ${listed}`);
  const logits = outputs.get('logits');
  if (!logits) throw new NotAnOnnxDecoderError(file, `no logits output; ${listed}`);
  let layers = 0;
  while (inputs.has(`past_key_values.${layers}.key`)) layers++;
  if (layers === 0) throw new NotAnOnnxDecoderError(file, `no past_key_values inputs (an export without the KV cache, e.g. --task text-generation without -with-past); ${listed}`);
  for (let i = 0; i < layers; i++) {
    for (const n of [`past_key_values.${i}.value`]) if (!inputs.has(n)) throw new NotAnOnnxDecoderError(file, `no input ${n}`);
    for (const n of [`present.${i}.key`, `present.${i}.value`]) if (!outputs.has(n)) throw new NotAnOnnxDecoderError(file, `no output ${n}`);
  }
  if (layers !== config.numLayers) throw new NotAnOnnxDecoderError(file, `the graph caches ${layers} layers but config.json has num_hidden_layers ${config.numLayers}: the config belongs to another model`);

  // fp32 only: logits, the cache and the weights.
  if (info.externalData.length > 0) throw new OnnxExternalDataError(file, info.externalData);
  const past = inputs.get('past_key_values.0.key')!;
  for (const [what, t] of [
    ['logits', logits.elemType],
    ['its KV cache', past.elemType],
  ] as const) {
    if (t !== ONNX_DTYPE.FLOAT) throw new OnnxDtypeError(file, `${dtypeName(t)} ${what}`);
  }
  const quantOps = QUANTIZED_OPS.filter((op) => info.ops.has(op));
  if (quantOps.length > 0) throw new OnnxDtypeError(file, `quantized weights (${quantOps.join(', ')} nodes: a q4 / q8 export)`);
  for (const t of [ONNX_DTYPE.FLOAT16, ONNX_DTYPE.BFLOAT16, ONNX_DTYPE.INT4, ONNX_DTYPE.UINT4]) {
    const w = info.weights.get(t);
    if (w && w.bytes > 0) throw new OnnxDtypeError(file, `${w.count} ${dtypeName(t)} weight tensor${w.count === 1 ? '' : 's'}`);
  }
  const dim = (i: number, fallback: number) => (typeof past.dims[i] === 'number' ? (past.dims[i] as number) : fallback);
  return { numLayers: layers, positionIds: inputs.has('position_ids'), kvHeads: dim(1, config.numKvHeads), headDim: dim(3, config.headDim) };
}

export interface OnnxMemoryOptions {
  batchSize?: number;
  sequenceLength?: number;
  /** A total budget in bytes when the caller knows one (device memory, a user setting). */
  budgetBytes?: number;
}

/** onnxruntime-web's WebAssembly memory is 32-bit: the weights, cache and activations share 4 GiB. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;

/** Bytes a session needs: the weights (about the file), the KV cache, logits and working room. */
export function estimateOnnxMemory(fileBytes: number, c: OnnxModelConfig, l: OnnxDecoderLayout, o: OnnxMemoryOptions = {}): number {
  const B = o.batchSize ?? 8;
  const T = Math.min(o.sequenceLength ?? 512, c.contextLength);
  const kv = 2 * l.numLayers * B * l.kvHeads * T * l.headDim * 4;
  const logits = B * T * c.vocabSize * 4;
  // The session keeps the model bytes and its own copy of the weights while it initializes.
  return 2 * fileBytes + 2 * kv + 2 * logits;
}

export function checkOnnxFits(needBytes: number, o: OnnxMemoryOptions = {}): void {
  if (needBytes > WASM_HEAP_BYTES) throw new OnnxTooLargeError(needBytes, WASM_HEAP_BYTES, "onnxruntime-web's 32-bit WebAssembly heap");
  if (o.budgetBytes !== undefined && needBytes > o.budgetBytes) throw new OnnxTooLargeError(needBytes, o.budgetBytes, 'the memory budget');
}
