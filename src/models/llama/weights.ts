// The decoder's weights as tensors on a backend, read tensor by tensor from a TensorStore (one
// checkpoint file or its shards) after checking every name and shape against config.json. Linear
// weights stay [out, in] as transformers stores them; the forward multiplies with transB.
// Loaded weights are frozen parameters (kept out of tidy scopes); full finetuning unfreezes them.
import { parameter, freeze } from '../../autograd';
import type { Backend, Tensor } from '../../tensor';
import { checkWeights, expectedTensors } from '../checkpoint';
import type { ModelConfig } from '../config';
import type { TensorStore } from '../safetensors/file';

export interface LinearWeights {
  /** [out, in] */
  weight: Tensor;
  /** [out], when the architecture has one. */
  bias: Tensor | null;
}

export interface LayerWeights {
  inputNorm: Tensor;
  q: LinearWeights;
  k: LinearWeights;
  v: LinearWeights;
  o: LinearWeights;
  postNorm: Tensor;
  gate: LinearWeights;
  up: LinearWeights;
  down: LinearWeights;
}

export interface DecoderWeights {
  /** [V, C] */
  embed: Tensor;
  layers: LayerWeights[];
  /** [C] */
  norm: Tensor;
  /** [V, C]; the embedding itself when tied. */
  lmHead: Tensor;
}

export interface LoadProgress {
  tensor: string;
  loaded: number;
  total: number;
}

/** Reads every tensor the config needs from `store` onto `backend`. */
export async function loadDecoderWeights(
  backend: Backend,
  config: ModelConfig,
  store: TensorStore,
  onProgress?: (p: LoadProgress) => void,
): Promise<DecoderWeights> {
  checkWeights(config, store);
  const shapes = expectedTensors(config);
  const loaded = new Map<string, Tensor>();
  let n = 0;
  try {
    for (const [name, shape] of shapes) {
      const t = parameter(backend.fromData(await store.readFloat32(name), shape), name);
      freeze(t);
      loaded.set(name, t);
      onProgress?.({ tensor: name, loaded: ++n, total: shapes.size });
    }
  } catch (e) {
    for (const t of loaded.values()) t.dispose();
    throw e;
  }
  return assemble(config, loaded);
}

/** Builds the structure from named tensors (loaded, or made up by tests and the built-in model). */
export function assemble(config: ModelConfig, byName: ReadonlyMap<string, Tensor>): DecoderWeights {
  const get = (name: string): Tensor => {
    const t = byName.get(name);
    if (!t) throw new Error(`decoder weights: '${name}' is missing`);
    return t;
  };
  const linear = (prefix: string, hasBias: boolean): LinearWeights => ({ weight: get(`${prefix}.weight`), bias: hasBias ? get(`${prefix}.bias`) : null });
  const layers: LayerWeights[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}.`;
    layers.push({
      inputNorm: get(p + 'input_layernorm.weight'),
      q: linear(p + 'self_attn.q_proj', config.qkvBias),
      k: linear(p + 'self_attn.k_proj', config.qkvBias),
      v: linear(p + 'self_attn.v_proj', config.qkvBias),
      o: linear(p + 'self_attn.o_proj', config.oBias),
      postNorm: get(p + 'post_attention_layernorm.weight'),
      gate: linear(p + 'mlp.gate_proj', config.mlpBias),
      up: linear(p + 'mlp.up_proj', config.mlpBias),
      down: linear(p + 'mlp.down_proj', config.mlpBias),
    });
  }
  const embed = get('model.embed_tokens.weight');
  return { embed, layers, norm: get('model.norm.weight'), lmHead: config.tieWordEmbeddings ? embed : get('lm_head.weight') };
}

/** Every weight tensor by its checkpoint name (the tied head appears once, as the embedding). */
export function namedWeights(w: DecoderWeights): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const t of [w.embed, w.norm, w.lmHead]) out.set(t.name, t);
  for (const l of w.layers) {
    out.set(l.inputNorm.name, l.inputNorm);
    out.set(l.postNorm.name, l.postNorm);
    for (const lin of [l.q, l.k, l.v, l.o, l.gate, l.up, l.down]) {
      out.set(lin.weight.name, lin.weight);
      if (lin.bias) out.set(lin.bias.name, lin.bias);
    }
  }
  return out;
}
