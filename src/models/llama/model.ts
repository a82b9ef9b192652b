// The Llama-family decoder (LlamaForCausalLM, Qwen2ForCausalLM) built from a ModelConfig and its
// weights, on autograd ops so the same forward serves inference, scoring and training on either
// backend. Per layer: x += o(attn(rope(q(norm(x))), rope(k(norm(x))), v(norm(x)))), then
// x += down(silu(gate(norm(x))) * up(norm(x))); finally norm and the (tied or untied) LM head.
// Heads stay in [B, T, H, D] layout from the projections to the output: no transposes.
import { add, attention, embedding, matmul, mul, reshape, rmsNorm, scale, silu } from '../../autograd';
import type { Backend, Tensor } from '../../tensor';
import type { ModelConfig } from '../config';
import type { TensorStore } from '../safetensors/file';
import type { LoraAdapter } from '../lora/adapter';
import { KVCache } from './kv-cache';
import { Rotary } from './rotary';
import { loadDecoderWeights, namedWeights, type DecoderWeights, type LinearWeights, type LoadProgress } from './weights';

export interface ForwardOptions {
  /**
   * Positions of the T new tokens: T values shared by every row, or B x T (left-padded rows).
   * Default: cache.length .. cache.length + T - 1.
   */
  positions?: Int32Array;
  /** [B, S] (S = cached + T) 1 for real keys, 0 for padding; needed only with left padding. */
  keyMask?: Float32Array | null;
  /** Keys and values of earlier steps; this step's are appended (generation, under noGrad). */
  cache?: KVCache | null;
  /** LoRA adapter applied to its target projections. */
  adapter?: LoraAdapter | null;
}

export class LlamaModel {
  private readonly rotary: Rotary;

  constructor(
    readonly backend: Backend,
    readonly config: ModelConfig,
    readonly weights: DecoderWeights,
  ) {
    this.rotary = new Rotary(config);
  }

  static async load(backend: Backend, config: ModelConfig, store: TensorStore, onProgress?: (p: LoadProgress) => void): Promise<LlamaModel> {
    return new LlamaModel(backend, config, await loadDecoderWeights(backend, config, store, onProgress));
  }

  newCache(): KVCache {
    return new KVCache(this.config.numLayers);
  }

  /**
   * Final hidden states [B, T, C] (after the last norm) of ids [B x T] (row-major). Call inside a
   * tidy scope: intermediates, and the small position and mask tensors, are released with it.
   */
  hidden(ids: Int32Array, B: number, T: number, o: ForwardOptions = {}): Tensor {
    const c = this.config;
    const be = this.backend;
    if (ids.length !== B * T) throw new RangeError(`forward: ${ids.length} ids for B=${B}, T=${T}`);
    const past = o.cache?.length ?? 0;
    let positions = o.positions;
    if (!positions) {
      positions = new Int32Array(T);
      for (let t = 0; t < T; t++) positions[t] = past + t;
    }
    // Like every intermediate, these belong to the caller's tidy scope: the backward needs them.
    const rot = this.rotary.prepare(be, positions, B, T);
    const keyMask = o.keyMask ? be.fromData(o.keyMask, [B, past + T]) : null;
    let x = embedding(this.weights.embed, be.fromData(ids, [B, T], 'i32'));
    this.weights.layers.forEach((w, i) => {
      const p = `model.layers.${i}.`;
      const h = rmsNorm(x, w.inputNorm, c.rmsNormEps);
      const q = this.rotary.apply(reshape(this.linear(h, w.q, p + 'self_attn.q_proj', o.adapter), [B, T, c.numHeads, c.headDim]), rot);
      let k = this.rotary.apply(reshape(this.linear(h, w.k, p + 'self_attn.k_proj', o.adapter), [B, T, c.numKvHeads, c.headDim]), rot);
      let v = reshape(this.linear(h, w.v, p + 'self_attn.v_proj', o.adapter), [B, T, c.numKvHeads, c.headDim]);
      if (o.cache) ({ k, v } = o.cache.append(i, k, v));
      const att = attention(q, k, v, { causal: true, layout: 'BTHD', keyMask });
      x = add(x, this.linear(reshape(att, [B, T, c.numHeads * c.headDim]), w.o, p + 'self_attn.o_proj', o.adapter));
      const h2 = rmsNorm(x, w.postNorm, c.rmsNormEps);
      const gate = silu(this.linear(h2, w.gate, p + 'mlp.gate_proj', o.adapter));
      const up = this.linear(h2, w.up, p + 'mlp.up_proj', o.adapter);
      x = add(x, this.linear(mul(gate, up), w.down, p + 'mlp.down_proj', o.adapter));
    });
    o.cache?.advance(T);
    return rmsNorm(x, this.weights.norm, c.rmsNormEps);
  }

  /** Logits [..., V] of hidden states [..., C]. */
  logits(hidden: Tensor): Tensor {
    return matmul(hidden, this.weights.lmHead, { transB: true });
  }

  /** Logits [B, T, V] of ids [B x T]. */
  forward(ids: Int32Array, B: number, T: number, o: ForwardOptions = {}): Tensor {
    return this.logits(this.hidden(ids, B, T, o));
  }

  /** Every weight by checkpoint name (to unfreeze for full finetuning, or to save). */
  parameters(): Map<string, Tensor> {
    return namedWeights(this.weights);
  }

  dispose(): void {
    for (const t of this.parameters().values()) t.dispose();
  }

  /** x W^T + b, plus the adapter's scale * dropout(x) A^T B^T when it targets `path`. */
  private linear(x: Tensor, w: LinearWeights, path: string, adapter: LoraAdapter | null | undefined): Tensor {
    let y = matmul(x, w.weight, { transB: true });
    if (w.bias) y = add(y, w.bias);
    const lora = adapter?.modules.get(path);
    if (!lora || !adapter) return y;
    const mask = adapter.dropoutMask(this.backend, x.shape);
    const xd = mask ? mul(x, mask) : x;
    const delta = matmul(matmul(xd, lora.A, { transB: true }), lora.B, { transB: true });
    return add(y, scale(delta, adapter.scale));
  }
}
