// config.json parsing: the two supported architectures, defaults, and every refusal by name.
import { describe, expect, it } from 'vitest';
import { parameterCount, parseModelConfig } from '../../src/models/config';
import {
  InvalidConfigFieldError,
  MissingConfigFieldError,
  UnsupportedArchitectureError,
  UnsupportedOptionError,
} from '../../src/models/errors';
import { ropeInvFreq } from '../../src/models/rope';

// Field values as in SmolLM2-135M-Instruct's and Qwen2.5-0.5B-Instruct's config.json.
const smol = {
  architectures: ['LlamaForCausalLM'],
  bos_token_id: 1,
  eos_token_id: 2,
  hidden_act: 'silu',
  hidden_size: 576,
  intermediate_size: 1536,
  max_position_embeddings: 8192,
  model_type: 'llama',
  num_attention_heads: 9,
  num_hidden_layers: 30,
  num_key_value_heads: 3,
  rms_norm_eps: 1e-5,
  rope_scaling: null,
  rope_theta: 100000,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  vocab_size: 49152,
};
const qwen = {
  architectures: ['Qwen2ForCausalLM'],
  bos_token_id: 151643,
  eos_token_id: 151645,
  hidden_act: 'silu',
  hidden_size: 896,
  intermediate_size: 4864,
  max_position_embeddings: 32768,
  max_window_layers: 21,
  model_type: 'qwen2',
  num_attention_heads: 14,
  num_hidden_layers: 24,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  sliding_window: 32768,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  use_sliding_window: false,
  vocab_size: 151936,
};

describe('parseModelConfig', () => {
  it('reads a Llama config (SmolLM2-135M) and counts its parameters', () => {
    const c = parseModelConfig(JSON.stringify(smol));
    expect(c).toMatchObject({
      architecture: 'LlamaForCausalLM',
      hiddenSize: 576,
      numHeads: 9,
      numKvHeads: 3,
      headDim: 64,
      ropeTheta: 100000,
      ropeScaling: null,
      tieWordEmbeddings: true,
      qkvBias: false,
      oBias: false,
      bosTokenId: 1,
      eosTokenIds: [2],
      defaulted: [],
    });
    // The published count for SmolLM2-135M is 134,515,008 parameters.
    expect(parameterCount(c)).toBe(134_515_008);
  });

  it('reads a Qwen2 config (Qwen2.5-0.5B): q/k/v biases on, o bias off', () => {
    const c = parseModelConfig(qwen);
    expect(c).toMatchObject({ architecture: 'Qwen2ForCausalLM', headDim: 64, numKvHeads: 2, qkvBias: true, oBias: false, ropeTheta: 1e6 });
    // Qwen2.5-0.5B: 494,032,768 parameters (tied embeddings).
    expect(parameterCount(c)).toBe(494_032_768);
  });

  it('takes transformers defaults for optional fields and names them', () => {
    const c = parseModelConfig({ model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100 });
    expect(c.numKvHeads).toBe(4);
    expect(c.rmsNormEps).toBe(1e-6);
    expect(c.ropeTheta).toBe(10000);
    expect(c.tieWordEmbeddings).toBe(false);
    expect(c.defaulted.sort()).toEqual(['hidden_act', 'max_position_embeddings', 'num_key_value_heads', 'rms_norm_eps', 'rope_theta', 'tie_word_embeddings']);
  });

  it('honours an explicit head_dim and Llama attention/mlp bias flags', () => {
    const c = parseModelConfig({ ...smol, head_dim: 32, attention_bias: true, mlp_bias: true });
    expect(c).toMatchObject({ headDim: 32, qkvBias: true, oBias: true, mlpBias: true });
  });

  it('accepts an eos list and the transformers v5 rope_parameters layout', () => {
    const c = parseModelConfig({ ...smol, eos_token_id: [2, 7], rope_theta: undefined, rope_parameters: { rope_type: 'default', rope_theta: 5e5 } });
    expect(c.eosTokenIds).toEqual([2, 7]);
    expect(c.ropeTheta).toBe(5e5);
    expect(c.ropeScaling).toBeNull();
  });

  it('refuses unknown architectures by name', () => {
    expect(() => parseModelConfig({ ...smol, architectures: ['GPT2LMHeadModel'] })).toThrow(UnsupportedArchitectureError);
    expect(() => parseModelConfig({ ...smol, architectures: ['GPT2LMHeadModel'] })).toThrow(/GPT2LMHeadModel/);
    expect(() => parseModelConfig({ ...smol, architectures: undefined, model_type: 'mistral' })).toThrow(/mistral/);
  });

  it('names every missing required field', () => {
    const { hidden_size: _h, vocab_size: _v, ...rest } = smol;
    const err = (() => {
      try {
        parseModelConfig(rest);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MissingConfigFieldError);
    expect((err as MissingConfigFieldError).fields).toEqual(['hidden_size', 'vocab_size']);
    expect(() => parseModelConfig({ hidden_size: 8 })).toThrow(/architectures \(or model_type\)/);
  });

  it('refuses unsupported options by name', () => {
    expect(() => parseModelConfig({ ...smol, hidden_act: 'gelu' })).toThrow(UnsupportedOptionError);
    expect(() => parseModelConfig({ ...smol, hidden_act: 'gelu' })).toThrow(/hidden_act = "gelu"/);
    expect(() => parseModelConfig({ ...smol, rope_scaling: { rope_type: 'yarn', factor: 4 } })).toThrow(/rope_type = "yarn"/);
    expect(() => parseModelConfig({ ...smol, rope_scaling: { type: 'dynamic', factor: 2 } })).toThrow(/"dynamic"/);
    expect(() => parseModelConfig({ ...qwen, use_sliding_window: true })).toThrow(/use_sliding_window/);
    expect(() => parseModelConfig({ ...smol, quantization_config: { quant_method: 'gptq' } })).toThrow(/gptq/);
  });

  it('refuses impossible values', () => {
    expect(() => parseModelConfig({ ...smol, num_key_value_heads: 4 })).toThrow(InvalidConfigFieldError);
    expect(() => parseModelConfig({ ...smol, num_attention_heads: 15 })).toThrow(/divisor of hidden_size/);
    expect(() => parseModelConfig({ ...smol, hidden_size: -1 })).toThrow(/hidden_size = -1/);
    expect(() => parseModelConfig({ ...smol, rms_norm_eps: 'small' })).toThrow(/rms_norm_eps/);
    expect(() => parseModelConfig({ ...smol, eos_token_id: [2, -1] })).toThrow(/eos_token_id\[1\]/);
    expect(() => parseModelConfig('{not json')).toThrow(InvalidConfigFieldError);
    expect(() => parseModelConfig({ ...smol, rope_scaling: { rope_type: 'llama3', factor: 8 } })).toThrow(/rope_scaling.low_freq_factor/);
  });
});

describe('ropeInvFreq', () => {
  it('is theta^(-2i/D) without scaling, divided by factor for linear', () => {
    const inv = ropeInvFreq(8, 10000, null);
    expect([...inv]).toEqual([1, 0.1, 0.01, 0.001].map((v, i) => expect.closeTo(v, 15 - i)));
    const lin = ropeInvFreq(8, 10000, { type: 'linear', factor: 4 });
    expect(lin[1]).toBeCloseTo(0.025, 15);
  });

  it('llama3 keeps high frequencies, divides low ones, and blends between', () => {
    // original length 64, low 1, high 4: wavelengths 2pi, 20pi, 200pi, 2000pi fall in all three bands.
    const s = { type: 'llama3' as const, factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 64 };
    const inv = ropeInvFreq(8, 10000, s);
    expect(inv[0]).toBe(1);
    const smooth = (64 / ((2 * Math.PI) / 0.1) - 1) / 3;
    expect(inv[1]).toBeCloseTo((1 - smooth) * (0.1 / 8) + smooth * 0.1, 14);
    expect(inv[2]).toBeCloseTo(0.01 / 8, 15);
    expect(inv[3]).toBeCloseTo(0.001 / 8, 15);
  });
});
