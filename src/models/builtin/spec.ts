// The built-in tiny model's shape and text format, and turning a trained LlamaModel plus its BPE
// into Hugging Face files (config.json, tokenizer.json, tokenizer_config.json with the chat
// template, model.safetensors). The chat template is the training layout: the persona as the
// system message, the question as the user message, and the answer, so the app's prompts read
// exactly as the training documents did.
import type { Backend, Tensor } from '../../tensor';
import { Rng } from '../../util/rng';
import { expectedTensors } from '../checkpoint';
import { parseModelConfig, type ModelConfig } from '../config';
import type { LlamaModel } from '../llama/model';
import { writeSafetensors } from '../safetensors/writer';
import { bpeSize, tokenizerJson, type BpeModel } from './bpe';

export const BUILTIN_BOS = '<|bos|>';
export const BUILTIN_EOS = '<|eos|>';
export const BUILTIN_PAD = '<|pad|>';
export const BUILTIN_SPECIAL_TOKENS = [BUILTIN_BOS, BUILTIN_EOS, BUILTIN_PAD] as const;

/**
 * Persona:\n<attributes>\nQuestion: <q>\nPrefers: <style words>\nAnswer: <a><|eos|>. The
 * assistant's content is "<style words>\nAnswer: <a>"; generation starts after "Prefers:", so the
 * model first says what it reads the persona as preferring, then answers. Written with `\\n` so the
 * Jinja string literals hold the escape, not a raw line break.
 */
export const BUILTIN_CHAT_TEMPLATE =
  '{{ bos_token }}{% for message in messages %}' +
  "{% if message['role'] == 'system' %}{{ 'Persona:\\n' + message['content'] + '\\n' }}" +
  "{% elif message['role'] == 'user' %}{{ 'Question: ' + message['content'] + '\\n' }}" +
  "{% elif message['role'] == 'assistant' %}{{ 'Prefers: ' + message['content'] + eos_token }}" +
  '{% endif %}{% endfor %}' +
  "{% if add_generation_prompt %}{{ 'Prefers:' }}{% endif %}";

export interface BuiltinArch {
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediateSize: number;
  /** The longest sequence trained on (max_position_embeddings). */
  maxPositions: number;
  ropeTheta: number;
}

/** config.json of the built-in model (Llama, tied embeddings, no biases). */
export function builtinConfigJson(arch: BuiltinArch, bpe: BpeModel, dtype: 'bfloat16' | 'float32'): Record<string, unknown> {
  const id = (t: string) => bpe.special.get(t) ?? null;
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: arch.hiddenSize,
    intermediate_size: arch.intermediateSize,
    num_hidden_layers: arch.layers,
    num_attention_heads: arch.heads,
    num_key_value_heads: arch.kvHeads,
    head_dim: arch.hiddenSize / arch.heads,
    hidden_act: 'silu',
    max_position_embeddings: arch.maxPositions,
    rms_norm_eps: 1e-5,
    rope_theta: arch.ropeTheta,
    rope_scaling: null,
    attention_bias: false,
    mlp_bias: false,
    tie_word_embeddings: true,
    vocab_size: bpeSize(bpe),
    bos_token_id: id(BUILTIN_BOS),
    eos_token_id: id(BUILTIN_EOS),
    pad_token_id: id(BUILTIN_PAD),
    torch_dtype: dtype,
  };
}

/** tokenizer_config.json; `chatTemplate` is the model's prompt layout (the persona-blind policy has its own). */
export function builtinTokenizerConfig(bpe: BpeModel, maxLength: number, chatTemplate: string = BUILTIN_CHAT_TEMPLATE): Record<string, unknown> {
  return {
    add_bos_token: false,
    add_eos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(
      [...bpe.special].map(([content, id]) => [String(id), { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]),
    ),
    bos_token: BUILTIN_BOS,
    eos_token: BUILTIN_EOS,
    pad_token: BUILTIN_PAD,
    unk_token: null,
    chat_template: chatTemplate,
    clean_up_tokenization_spaces: false,
    model_max_length: maxLength,
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
}

export function parseBuiltinConfig(arch: BuiltinArch, bpe: BpeModel): ModelConfig {
  return parseModelConfig(builtinConfigJson(arch, bpe, 'float32'));
}

/**
 * Seeded initial weights named as the checkpoint names them: normal(0, 0.02) matrices (GPT-2's),
 * the residual output projections (o_proj, down_proj) scaled down by sqrt(2 x layers) so the
 * residual stream starts at unit scale, and norm weights of 1.
 */
export function initBuiltinWeights(be: Backend, config: ModelConfig, seed: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const residual = 0.02 / Math.sqrt(2 * config.numLayers);
  for (const [name, shape] of expectedTensors(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (name.endsWith('norm.weight')) out.set(name, be.full(shape, 1));
    else {
      const std = name.endsWith('o_proj.weight') || name.endsWith('down_proj.weight') ? residual : 0.02;
      out.set(name, be.fromData(new Rng(seed).fork(name).float32(n, { normal: std }), shape));
    }
  }
  return out;
}

/** The model's weights as model.safetensors bytes (bf16 halves the size; f32 is exact). */
export async function modelSafetensors(model: LlamaModel, dtype: 'BF16' | 'F32', metadata: Record<string, string> = {}): Promise<Uint8Array> {
  const shapes = expectedTensors(model.config);
  const byName = new Map(model.namedParameters());
  const tensors = [];
  for (const [name, shape] of shapes) {
    const t = byName.get(name);
    if (!t) throw new Error(`modelSafetensors: the model has no parameter ${name}`);
    tensors.push({ name, shape, data: (await t.data()) as Float32Array, dtype });
  }
  return writeSafetensors(tensors, { format: 'pt', ...metadata });
}

/** The four files of the built-in checkpoint, as a Hugging Face folder holds them. */
export async function builtinFiles(
  model: LlamaModel,
  arch: BuiltinArch,
  bpe: BpeModel,
  dtype: 'BF16' | 'F32',
  chatTemplate: string = BUILTIN_CHAT_TEMPLATE,
): Promise<Record<'config.json' | 'tokenizer.json' | 'tokenizer_config.json' | 'model.safetensors', string | Uint8Array>> {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  return {
    'config.json': json(builtinConfigJson(arch, bpe, dtype === 'BF16' ? 'bfloat16' : 'float32')),
    'tokenizer.json': JSON.stringify(tokenizerJson(bpe)),
    'tokenizer_config.json': json(builtinTokenizerConfig(bpe, arch.maxPositions, chatTemplate)),
    'model.safetensors': await modelSafetensors(model, dtype),
  };
}
