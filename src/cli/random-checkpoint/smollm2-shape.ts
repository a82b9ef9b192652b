// SmolLM2-135M's shape as Hugging Face files, for a checkpoint of random weights: the config.json
// of HuggingFaceTB/SmolLM2-135M (Llama layout: hidden 576, 30 layers, 9 query and 3 key-value
// heads of 64, MLP 1536, vocabulary 49152, tied embeddings, rope theta 100000, 134,515,008
// parameters), a byte-pair tokenizer of the same vocabulary size (./byte-pair-vocab.ts) with
// SmolLM2's first three special tokens and a ChatML template, and the weights' initialisation
// (normal(0, initializer_range) matrices as transformers initialises Llama, norms of 1). Any field
// can be overridden (tests write a two-layer model through the same code).
import { tokenizerJson } from '../../models/builtin/bpe';
import { parseModelConfig, type ModelConfig } from '../../models/config';
import { expectedTensors } from '../../models/checkpoint';
import { Rng } from '../../util/rng';
import { byteLevelBpe } from './byte-pair-vocab';

export interface ShapeOverrides {
  hiddenSize?: number;
  layers?: number;
  heads?: number;
  kvHeads?: number;
  intermediateSize?: number;
  vocabSize?: number;
}

/** HuggingFaceTB/SmolLM2-135M's config.json, field for field. */
export const SMOLLM2_135M_CONFIG = {
  architectures: ['LlamaForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  bos_token_id: 0,
  eos_token_id: 0,
  hidden_act: 'silu',
  hidden_size: 576,
  initializer_range: 0.041666666666666664,
  intermediate_size: 1536,
  is_llama_config: true,
  max_position_embeddings: 8192,
  model_type: 'llama',
  num_attention_heads: 9,
  num_hidden_layers: 30,
  num_key_value_heads: 3,
  pretraining_tp: 1,
  rms_norm_eps: 1e-5,
  rope_interleaved: false,
  rope_scaling: null,
  rope_theta: 100000,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  use_cache: true,
  vocab_size: 49152,
} as const;

/** SmolLM2's special tokens 0-2 (it has 17; the other 14 are for code and notebooks). */
export const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

const CHATML =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export function shapedConfigJson(
  o: ShapeOverrides = {},
  dtype: 'bfloat16' | 'float32' = 'bfloat16',
): Record<string, unknown> {
  const c: Record<string, unknown> = { ...SMOLLM2_135M_CONFIG, torch_dtype: dtype };
  if (o.hiddenSize !== undefined) {
    c.hidden_size = o.hiddenSize;
    c.initializer_range = 1 / Math.sqrt(o.hiddenSize); // SmolLM2's rule: 1/sqrt(576)
  }
  if (o.layers !== undefined) c.num_hidden_layers = o.layers;
  if (o.heads !== undefined) c.num_attention_heads = o.heads;
  if (o.kvHeads !== undefined) c.num_key_value_heads = o.kvHeads;
  if (o.intermediateSize !== undefined) c.intermediate_size = o.intermediateSize;
  if (o.vocabSize !== undefined) c.vocab_size = o.vocabSize;
  parseModelConfig(c); // refuses an impossible override (heads not dividing, odd head_dim) now
  return c;
}

export function shapedTokenizerFiles(vocabSize: number): {
  'tokenizer.json': string;
  'tokenizer_config.json': string;
} {
  const bpe = byteLevelBpe(vocabSize, SPECIAL_TOKENS);
  const tc = {
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(
      SPECIAL_TOKENS.map((content, id) => [
        String(id),
        {
          content,
          lstrip: false,
          normalized: false,
          rstrip: false,
          single_word: false,
          special: true,
        },
      ]),
    ),
    bos_token: '<|endoftext|>',
    eos_token: '<|endoftext|>',
    unk_token: '<|endoftext|>',
    chat_template: CHATML,
    clean_up_tokenization_spaces: false,
    model_max_length: 8192,
    tokenizer_class: 'GPT2Tokenizer',
  };
  return {
    'tokenizer.json': JSON.stringify(tokenizerJson(bpe)),
    'tokenizer_config.json': JSON.stringify(tc, null, 2) + '\n',
  };
}

export interface TensorPlan {
  name: string;
  shape: number[];
  /** The tensor's seeded values (made on demand: the whole model at once is 538 MB of f32). */
  values(): Float32Array;
}

/** Every tensor of the checkpoint in expectedTensors' order, each from its own seeded stream. */
export function tensorPlan(
  config: ModelConfig,
  rawConfig: Record<string, unknown>,
  seed: number,
): TensorPlan[] {
  const std = Number(rawConfig.initializer_range ?? 0.02);
  return [...expectedTensors(config)].map(([name, shape]) => ({
    name,
    shape,
    values: () => {
      const n = shape.reduce((a, b) => a * b, 1);
      return name.endsWith('norm.weight')
        ? new Float32Array(n).fill(1)
        : new Rng(seed).fork(name).float32(n, { normal: std });
    },
  }));
}
