// The decoder's module tree, named exactly as transformers names the checkpoint's tensors
// (model.embed_tokens, model.layers.N.self_attn.q_proj, ..., model.norm, lm_head), so
// namedParameters() lines up with safetensors names for loading, saving and finetuning. Built from
// named tensors (a loaded checkpoint, or weights made up by tests and the built-in model).
import { Embedding, Linear, Module, RMSNorm } from '../../nn';
import type { Tensor } from '../../tensor';
import type { ModelConfig } from '../config';
import { MissingTensorError } from '../errors';

export type TensorSource = (name: string) => Tensor;

/** A getter over a name -> tensor map that names what is missing. */
export function fromMap(byName: ReadonlyMap<string, Tensor>): TensorSource {
  return (name) => {
    const t = byName.get(name);
    if (!t) throw new MissingTensorError(name, 'was not given to the model');
    return t;
  };
}

function linear(get: TensorSource, prefix: string, bias: boolean): Linear {
  return new Linear(get(`${prefix}.weight`), bias ? get(`${prefix}.bias`) : null);
}

export class LlamaAttention extends Module {
  readonly q_proj: Linear;
  readonly k_proj: Linear;
  readonly v_proj: Linear;
  readonly o_proj: Linear;

  constructor(c: ModelConfig, get: TensorSource, prefix: string) {
    super();
    this.q_proj = this.addModule('q_proj', linear(get, `${prefix}.q_proj`, c.qkvBias));
    this.k_proj = this.addModule('k_proj', linear(get, `${prefix}.k_proj`, c.qkvBias));
    this.v_proj = this.addModule('v_proj', linear(get, `${prefix}.v_proj`, c.qkvBias));
    this.o_proj = this.addModule('o_proj', linear(get, `${prefix}.o_proj`, c.oBias));
  }
}

export class LlamaMlp extends Module {
  readonly gate_proj: Linear;
  readonly up_proj: Linear;
  readonly down_proj: Linear;

  constructor(c: ModelConfig, get: TensorSource, prefix: string) {
    super();
    this.gate_proj = this.addModule('gate_proj', linear(get, `${prefix}.gate_proj`, c.mlpBias));
    this.up_proj = this.addModule('up_proj', linear(get, `${prefix}.up_proj`, c.mlpBias));
    this.down_proj = this.addModule('down_proj', linear(get, `${prefix}.down_proj`, c.mlpBias));
  }
}

export class LlamaDecoderLayer extends Module {
  readonly input_layernorm: RMSNorm;
  readonly self_attn: LlamaAttention;
  readonly post_attention_layernorm: RMSNorm;
  readonly mlp: LlamaMlp;

  constructor(c: ModelConfig, get: TensorSource, prefix: string) {
    super();
    this.input_layernorm = this.addModule('input_layernorm', new RMSNorm(get(`${prefix}.input_layernorm.weight`), c.rmsNormEps));
    this.self_attn = this.addModule('self_attn', new LlamaAttention(c, get, `${prefix}.self_attn`));
    this.post_attention_layernorm = this.addModule('post_attention_layernorm', new RMSNorm(get(`${prefix}.post_attention_layernorm.weight`), c.rmsNormEps));
    this.mlp = this.addModule('mlp', new LlamaMlp(c, get, `${prefix}.mlp`));
  }
}

/** transformers' LlamaModel / Qwen2Model: embeddings, layers, final norm (the `model.` prefix). */
export class LlamaBackbone extends Module {
  readonly embed_tokens: Embedding;
  readonly layers: LlamaDecoderLayer[] = [];
  readonly norm: RMSNorm;

  constructor(c: ModelConfig, get: TensorSource) {
    super();
    this.embed_tokens = this.addModule('embed_tokens', new Embedding(get('model.embed_tokens.weight')));
    for (let i = 0; i < c.numLayers; i++) this.layers.push(this.addModule(`layers.${i}`, new LlamaDecoderLayer(c, get, `model.layers.${i}`)));
    this.norm = this.addModule('norm', new RMSNorm(get('model.norm.weight'), c.rmsNormEps));
  }
}
