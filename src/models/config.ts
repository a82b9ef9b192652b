// Parses and validates a Hugging Face config.json for the Llama-family decoders we build
// (LlamaForCausalLM, Qwen2ForCausalLM) into one normalized ModelConfig. Anything we would compute
// differently from transformers (an unknown architecture, rope scaling kind, activation, sliding
// window, quantization) is refused by name rather than silently run wrong. Optional fields take
// transformers' defaults, and the names of the defaulted fields are kept so the UI can show them.
import {
  InvalidConfigFieldError,
  MissingConfigFieldError,
  UnsupportedArchitectureError,
  UnsupportedOptionError,
} from './errors';

export const SUPPORTED_ARCHITECTURES = ['LlamaForCausalLM', 'Qwen2ForCausalLM'] as const;
export type Architecture = (typeof SUPPORTED_ARCHITECTURES)[number];

const MODEL_TYPE_TO_ARCH: Record<string, Architecture> = { llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM' };

/** Rope scaling kinds we implement (see rope.ts); every other kind is refused. */
export const SUPPORTED_ROPE_TYPES = ['default', 'linear', 'llama3'] as const;

export type RopeScaling =
  | { type: 'linear'; factor: number }
  | {
      type: 'llama3';
      factor: number;
      lowFreqFactor: number;
      highFreqFactor: number;
      originalMaxPositionEmbeddings: number;
    };

export interface ModelConfig {
  architecture: Architecture;
  /** C */
  hiddenSize: number;
  /** The SwiGLU MLP's inner width. */
  intermediateSize: number;
  numLayers: number;
  /** Hq */
  numHeads: number;
  /** Hkv; Hq is a multiple of it (grouped-query attention). */
  numKvHeads: number;
  /** D; hiddenSize / numHeads unless config.json says otherwise. */
  headDim: number;
  rmsNormEps: number;
  ropeTheta: number;
  /** null: plain rotary embeddings with ropeTheta. */
  ropeScaling: RopeScaling | null;
  /** V: rows of the embedding (often padded above the tokenizer's size). */
  vocabSize: number;
  tieWordEmbeddings: boolean;
  maxPositionEmbeddings: number;
  /** Biases on q_proj, k_proj, v_proj (always in Qwen2; `attention_bias` in Llama). */
  qkvBias: boolean;
  /** Bias on o_proj (Llama's `attention_bias` only). */
  oBias: boolean;
  /** Biases on gate/up/down_proj (Llama's `mlp_bias`). */
  mlpBias: boolean;
  bosTokenId: number | null;
  /** Every id that ends generation (config.json allows one id or a list). */
  eosTokenIds: number[];
  padTokenId: number | null;
  /** The checkpoint's stored dtype as config.json states it (informational). */
  torchDtype: string | null;
  /** Optional fields absent from config.json that took transformers' defaults. */
  defaulted: string[];
}

type Json = Record<string, unknown>;

/** Fields that must be present: without them the shapes are unknown. */
const REQUIRED = ['hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'vocab_size'] as const;

/** Parses config.json (text or an already parsed object). Throws the typed errors of ./errors. */
export function parseModelConfig(input: string | unknown): ModelConfig {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      throw new InvalidConfigFieldError('(file)', input.slice(0, 40), `JSON (${(e as Error).message})`);
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidConfigFieldError('(file)', raw, 'a JSON object');
  }
  const cfg = raw as Json;
  const architecture = readArchitecture(cfg);

  if (cfg.quantization_config !== undefined && cfg.quantization_config !== null) {
    const method = (cfg.quantization_config as Json).quant_method ?? 'unknown';
    throw new UnsupportedOptionError('quantization_config.quant_method', method, 'Quantized checkpoints cannot be loaded; use the F32/F16/BF16 release.');
  }

  const missing = REQUIRED.filter((f) => cfg[f] === undefined || cfg[f] === null);
  if (missing.length > 0) throw new MissingConfigFieldError(missing);

  const defaulted: string[] = [];
  const opt = <T>(field: string, fallback: T): unknown => {
    if (cfg[field] === undefined || cfg[field] === null) {
      defaulted.push(field);
      return fallback;
    }
    return cfg[field];
  };

  const hiddenSize = posInt(cfg, 'hidden_size');
  const intermediateSize = posInt(cfg, 'intermediate_size');
  const numLayers = posInt(cfg, 'num_hidden_layers');
  const numHeads = posInt(cfg, 'num_attention_heads');
  const vocabSize = posInt(cfg, 'vocab_size');
  const numKvHeads = asPosInt('num_key_value_heads', opt('num_key_value_heads', numHeads));
  if (numHeads % numKvHeads !== 0) {
    throw new InvalidConfigFieldError('num_key_value_heads', numKvHeads, `a divisor of num_attention_heads (${numHeads})`);
  }
  let headDim: number;
  if (cfg.head_dim !== undefined && cfg.head_dim !== null) headDim = posInt(cfg, 'head_dim');
  else {
    if (hiddenSize % numHeads !== 0) {
      throw new InvalidConfigFieldError('num_attention_heads', numHeads, `a divisor of hidden_size (${hiddenSize}) when head_dim is absent`);
    }
    headDim = hiddenSize / numHeads;
  }
  if (headDim % 2 !== 0) throw new InvalidConfigFieldError('head_dim', headDim, 'an even number (rotary embeddings rotate pairs)');

  const hiddenAct = opt('hidden_act', 'silu');
  if (hiddenAct !== 'silu') {
    throw new UnsupportedOptionError('hidden_act', hiddenAct, "Only 'silu' (SwiGLU) is implemented.");
  }

  const rmsNormEps = asPosNumber('rms_norm_eps', opt('rms_norm_eps', 1e-6));
  // transformers v5 moves rope_theta and the scaling into `rope_parameters`; read either layout.
  const ropeParams = isObject(cfg.rope_parameters) ? (cfg.rope_parameters as Json) : null;
  const ropeTheta = asPosNumber('rope_theta', cfg.rope_theta ?? ropeParams?.rope_theta ?? opt('rope_theta', 10000));
  const ropeScaling = readRopeScaling(cfg.rope_scaling ?? ropeParams ?? null);

  const isQwen2 = architecture === 'Qwen2ForCausalLM';
  if (isQwen2 && cfg.use_sliding_window === true) {
    throw new UnsupportedOptionError('use_sliding_window', true, 'Sliding-window attention is not implemented; full causal attention would compute different logits.');
  }
  for (const field of ['attention_bias', 'mlp_bias', 'tie_word_embeddings'] as const) {
    if (cfg[field] !== undefined && cfg[field] !== null && typeof cfg[field] !== 'boolean') {
      throw new InvalidConfigFieldError(field, cfg[field], 'true or false');
    }
  }
  const attentionBias = !isQwen2 && cfg.attention_bias === true;

  return {
    architecture,
    hiddenSize,
    intermediateSize,
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    rmsNormEps,
    ropeTheta,
    ropeScaling,
    vocabSize,
    tieWordEmbeddings: opt('tie_word_embeddings', false) === true,
    maxPositionEmbeddings: asPosInt('max_position_embeddings', opt('max_position_embeddings', isQwen2 ? 32768 : 2048)),
    qkvBias: isQwen2 || attentionBias,
    oBias: attentionBias,
    mlpBias: !isQwen2 && cfg.mlp_bias === true,
    bosTokenId: optionalId(cfg, 'bos_token_id'),
    eosTokenIds: readEos(cfg.eos_token_id),
    padTokenId: optionalId(cfg, 'pad_token_id'),
    torchDtype: typeof cfg.torch_dtype === 'string' ? cfg.torch_dtype : typeof cfg.dtype === 'string' ? cfg.dtype : null,
    defaulted,
  };
}

/** Parameters the config implies (what a correct checkpoint holds), for estimates before loading. */
export function parameterCount(c: ModelConfig): number {
  const C = c.hiddenSize;
  const qDim = c.numHeads * c.headDim;
  const kvDim = c.numKvHeads * c.headDim;
  const attn = C * qDim + 2 * C * kvDim + qDim * C + (c.qkvBias ? qDim + 2 * kvDim : 0) + (c.oBias ? C : 0);
  const mlp = 3 * C * c.intermediateSize + (c.mlpBias ? 2 * c.intermediateSize + C : 0);
  const perLayer = attn + mlp + 2 * C;
  const embed = c.vocabSize * C;
  return embed + (c.tieWordEmbeddings ? 0 : embed) + c.numLayers * perLayer + C;
}

function readArchitecture(cfg: Json): Architecture {
  const archs = cfg.architectures;
  if (Array.isArray(archs) && archs.length > 0) {
    const supported = archs.find((a): a is Architecture => (SUPPORTED_ARCHITECTURES as readonly unknown[]).includes(a));
    if (supported) return supported;
    throw new UnsupportedArchitectureError(archs.map(String).join(', '), SUPPORTED_ARCHITECTURES);
  }
  if (archs !== undefined && archs !== null && !Array.isArray(archs)) {
    throw new InvalidConfigFieldError('architectures', archs, 'a list of class names');
  }
  if (typeof cfg.model_type === 'string') {
    const arch = MODEL_TYPE_TO_ARCH[cfg.model_type];
    if (arch) return arch;
    throw new UnsupportedArchitectureError(`model_type '${cfg.model_type}'`, SUPPORTED_ARCHITECTURES);
  }
  throw new MissingConfigFieldError(['architectures (or model_type)']);
}

function readRopeScaling(raw: unknown): RopeScaling | null {
  if (raw === null || raw === undefined) return null;
  if (!isObject(raw)) throw new InvalidConfigFieldError('rope_scaling', raw, 'an object or null');
  const r = raw as Json;
  // transformers accepts `rope_type` and the older `type`.
  const kind = r.rope_type ?? r.type ?? 'default';
  if (kind === 'default') return null;
  if (kind === 'linear') return { type: 'linear', factor: asPosNumber('rope_scaling.factor', r.factor) };
  if (kind === 'llama3') {
    const need = ['factor', 'low_freq_factor', 'high_freq_factor', 'original_max_position_embeddings'];
    const missing = need.filter((f) => r[f] === undefined || r[f] === null).map((f) => `rope_scaling.${f}`);
    if (missing.length > 0) throw new MissingConfigFieldError(missing);
    const lowFreqFactor = asPosNumber('rope_scaling.low_freq_factor', r.low_freq_factor);
    const highFreqFactor = asPosNumber('rope_scaling.high_freq_factor', r.high_freq_factor);
    if (highFreqFactor <= lowFreqFactor) {
      throw new InvalidConfigFieldError('rope_scaling.high_freq_factor', highFreqFactor, `a value above low_freq_factor (${lowFreqFactor})`);
    }
    return {
      type: 'llama3',
      factor: asPosNumber('rope_scaling.factor', r.factor),
      lowFreqFactor,
      highFreqFactor,
      originalMaxPositionEmbeddings: asPosInt('rope_scaling.original_max_position_embeddings', r.original_max_position_embeddings),
    };
  }
  throw new UnsupportedOptionError(
    'rope_scaling.rope_type',
    kind,
    `Supported rope scaling kinds: ${SUPPORTED_ROPE_TYPES.join(', ')} (or none).`,
  );
}

function readEos(raw: unknown): number[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v, i) => asId(Array.isArray(raw) ? `eos_token_id[${i}]` : 'eos_token_id', v));
}

function optionalId(cfg: Json, field: string): number | null {
  const v = cfg[field];
  return v === undefined || v === null ? null : asId(field, v);
}

function asId(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new InvalidConfigFieldError(field, v, 'a non-negative integer token id');
  return v;
}

function posInt(cfg: Json, field: string): number {
  return asPosInt(field, cfg[field]);
}

function asPosInt(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new InvalidConfigFieldError(field, v, 'a positive integer');
  return v;
}

function asPosNumber(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InvalidConfigFieldError(field, v, 'a positive number');
  return v;
}

function isObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
