// The Llama-family decoder (LlamaForCausalLM, Qwen2ForCausalLM) built from a ModelConfig on nn
// modules and autograd ops, so one forward serves inference, scoring and training on either
// backend. Per layer: x += o(attn(rope(q(norm(x))), rope(k(norm(x))), v(norm(x)))), then
// x += down(silu(gate(norm(x))) * up(norm(x))); finally norm and the (tied or untied) LM head.
// Heads stay in [B, T, H, D] layout from the projections to the output: no transposes. A LoRA
// adapter is passed per call rather than wrapped into the modules, so one frozen base serves both
// a policy (with its adapter) and its DPO reference (without).
import { add, attention, isGradEnabled, matmul, mul, reshape, scale, sigmoid, silu } from '../../autograd';
import { Linear, Module } from '../../nn';
import { ops, type Backend, type Tensor } from '../../tensor';
import type { ModelConfig } from '../config';
import type { LoraAdapter } from '../lora/adapter';
import type { TensorStore } from '../safetensors/file';
import { KVCache } from './kv-cache';
import { readWeights, type LoadProgress } from './load';
import { fromMap, LlamaBackbone } from './modules';
import { Rotary } from './rotary';

export interface ForwardOptions {
  /**
   * Positions of the T new tokens: T values shared by every row, or B x T (left-padded rows).
   * Default: cache.length .. cache.length + T - 1.
   */
  positions?: Int32Array;
  /** [B, S] (S = cached + T) 1 for real keys, 0 for padding; needed only with left padding. */
  keyMask?: Float32Array | null;
  /**
   * Keys and values of earlier steps; this step's are written after them and attention reads the
   * cache in place (generation, under noGrad: the cached path has no backward).
   */
  cache?: KVCache | null;
  /** LoRA adapter applied to its target projections. */
  adapter?: LoraAdapter | null;
  /**
   * [B, 1, C] added, at every position of its row, to the normalized input of every attention and
   * MLP block: a conditioning vector (a persona's or a preference direction's learned embedding,
   * train/policy/condition-embedding.ts). Every block reads it directly, so a policy can learn to
   * read it without first growing an attention route to a line of prompt text, and the residual
   * stream keeps each token's own identity. Or a GatedCondition, read per position.
   */
  condition?: Tensor | GatedCondition | null;
}

/**
 * Where a gated condition is read: `blocks`, every attention and MLP block's normalized input; `head`,
 * the final hidden state only, just before the LM head, so a part shifts the next token's logits by
 * W_head · part and leaves every block, and with it what the base knows of the prompt, as it was.
 */
export type GateSite = 'blocks' | 'head';

/**
 * A condition of K parts read per position: part k (`values[b, k]`, e.g. u_k E_k of a direction)
 * joins a position's normalized input h with weight σ(h · keys_k + bias_k). So each position reads
 * the parts its own context calls for (the formality component where the opener is written), where
 * a [B, 1, C] condition adds the same sum everywhere and leaves the frozen MLP to pick it apart.
 */
export interface GatedCondition {
  /** [B, K, C] each row's K parts. */
  values: Tensor;
  /** [K, C] */
  keys: Tensor;
  /** [K] */
  bias: Tensor;
  /** Where it is read (absent: `blocks`). */
  site?: GateSite;
}

/** A gate's weights on the host (generation and judging read fixed weights). */
export interface HostConditionGate {
  /** [K, C] row-major */
  keys: Float32Array;
  /** [K] */
  bias: Float32Array;
  /** Where it is read (absent: `blocks`). */
  site?: GateSite;
}

/**
 * Host rows of conditioning as ForwardOptions.condition: `rows` vectors of C values, broadcast over
 * positions, or with a gate `rows` x K parts of C values. Belongs to the caller's tidy scope.
 */
export function conditionTensor(be: Backend, data: Float32Array, rows: number, C: number, gate: HostConditionGate | null = null): Tensor | GatedCondition {
  if (!gate) {
    if (data.length !== rows * C) throw new RangeError(`condition: ${data.length} values for ${rows} rows of ${C}`);
    return be.fromData(data, [rows, 1, C]);
  }
  const K = gate.bias.length;
  if (gate.keys.length !== K * C) throw new RangeError(`condition gate: ${gate.keys.length} key values for ${K} parts of ${C}`);
  if (data.length !== rows * K * C) throw new RangeError(`gated condition: ${data.length} values for ${rows} rows of ${K} parts of ${C}`);
  return { values: be.fromData(data, [rows, K, C]), keys: be.fromData(gate.keys, [K, C]), bias: be.fromData(gate.bias, [K]), site: gate.site ?? 'blocks' };
}

/** Releases a condition's tensors (conditionTensor's, outside a tidy scope). */
export function disposeCondition(c: Tensor | GatedCondition | null): void {
  if (!c) return;
  if ('values' in c) for (const t of [c.values, c.keys, c.bias]) t.dispose();
  else c.dispose();
}

/** h [B, T, C] plus the condition: broadcast over positions, or gated per position. */
export function addCondition(h: Tensor, condition: Tensor | GatedCondition | null | undefined): Tensor {
  if (!condition) return h;
  if (!('values' in condition)) return add(h, condition);
  const gates = sigmoid(add(matmul(h, condition.keys, { transB: true }), condition.bias));
  return add(h, matmul(gates, condition.values));
}

export class CachedForwardError extends Error {
  override name = 'CachedForwardError';
}

export class LlamaModel extends Module {
  readonly model: LlamaBackbone;
  /** null when tied: the head is the embedding. */
  readonly lm_head: Linear | null;
  private readonly rotary: Rotary;

  /** Builds the module tree from tensors named as in the checkpoint; they become frozen parameters. */
  constructor(
    readonly backend: Backend,
    readonly config: ModelConfig,
    tensors: ReadonlyMap<string, Tensor>,
  ) {
    super();
    const get = fromMap(tensors);
    this.model = this.addModule('model', new LlamaBackbone(config, get));
    this.lm_head = config.tieWordEmbeddings ? null : this.addModule('lm_head', new Linear(get('lm_head.weight')));
    this.rotary = new Rotary(config);
    this.freeze();
  }

  static async load(backend: Backend, config: ModelConfig, store: TensorStore, onProgress?: (p: LoadProgress) => void): Promise<LlamaModel> {
    return new LlamaModel(backend, config, await readWeights(backend, config, store, onProgress));
  }

  /** [V, C]: the LM head's weight (the embedding when tied). */
  get headWeight(): Tensor {
    return this.lm_head?.weight ?? this.model.embed_tokens.weight;
  }

  /** A KV cache for `capacity` positions (the prompt plus every token to generate). */
  newCache(capacity: number): KVCache {
    return new KVCache(this.config.numLayers, capacity);
  }

  /**
   * Final hidden states [B, T, C] (after the last norm) of ids [B x T] (row-major). Call inside a
   * tidy scope: intermediates, and the small position and mask tensors, are released with it.
   */
  hidden(ids: Int32Array, B: number, T: number, o: ForwardOptions = {}): Tensor {
    const c = this.config;
    const be = this.backend;
    if (ids.length !== B * T) throw new RangeError(`forward: ${ids.length} ids for B=${B}, T=${T}`);
    if (o.cache && isGradEnabled()) throw new CachedForwardError('a forward with a KV cache is inference only: run it under noGrad (the cached attention has no backward)');
    const past = o.cache?.length ?? 0;
    let positions = o.positions;
    if (!positions) {
      positions = new Int32Array(T);
      for (let t = 0; t < T; t++) positions[t] = past + t;
    }
    // Like every intermediate, these belong to the caller's tidy scope: the backward needs them.
    const rot = this.rotary.prepare(be, positions, B, T);
    const keyMask = o.keyMask ? be.fromData(o.keyMask, [B, past + T]) : null;
    const lin = (x: Tensor, l: Linear, path: string) => this.project(x, l, path, o.adapter);
    let x = this.model.embed_tokens.forward(be.fromData(ids, [B, T], 'i32'));
    // The condition joins each block's normalized input, not the residual stream: added to x it
    // outgrew the token embeddings and held-out answers broke mid-word (docs/modelling.md, exp7 vs exp12).
    // A gate read at the head joins the final hidden state instead (GateSite).
    const atHead = !!o.condition && 'values' in o.condition && o.condition.site === 'head';
    const cond = (h: Tensor) => (atHead ? h : addCondition(h, o.condition));
    this.model.layers.forEach((layer, i) => {
      const p = `model.layers.${i}.`;
      const a = layer.self_attn;
      const h = cond(layer.input_layernorm.forward(x));
      const q = this.rotary.apply(reshape(lin(h, a.q_proj, p + 'self_attn.q_proj'), [B, T, c.numHeads, c.headDim]), rot);
      const k = this.rotary.apply(reshape(lin(h, a.k_proj, p + 'self_attn.k_proj'), [B, T, c.numKvHeads, c.headDim]), rot);
      const v = reshape(lin(h, a.v_proj, p + 'self_attn.v_proj'), [B, T, c.numKvHeads, c.headDim]);
      let att: Tensor;
      if (o.cache) {
        const kv = o.cache.write(i, k, v);
        att = ops.cachedAttention(be, q, kv.k, kv.v, past + T, { keyMask });
      } else {
        att = attention(q, k, v, { causal: true, layout: 'BTHD', keyMask });
      }
      x = add(x, lin(reshape(att, [B, T, c.numHeads * c.headDim]), a.o_proj, p + 'self_attn.o_proj'));
      const m = layer.mlp;
      const h2 = cond(layer.post_attention_layernorm.forward(x));
      const gate = silu(lin(h2, m.gate_proj, p + 'mlp.gate_proj'));
      x = add(x, lin(mul(gate, lin(h2, m.up_proj, p + 'mlp.up_proj')), m.down_proj, p + 'mlp.down_proj'));
    });
    o.cache?.advance(T);
    const out = this.model.norm.forward(x);
    return atHead ? addCondition(out, o.condition) : out;
  }

  /** Logits [..., V] of hidden states [..., C]. */
  logits(hidden: Tensor): Tensor {
    return matmul(hidden, this.headWeight, { transB: true });
  }

  /** Logits [B, T, V] of ids [B x T]. */
  forward(ids: Int32Array, B: number, T: number, o: ForwardOptions = {}): Tensor {
    return this.logits(this.hidden(ids, B, T, o));
  }

  /** x W^T + b, plus the adapter's scale * dropout(x) A^T B^T when it targets `path`. */
  private project(x: Tensor, l: Linear, path: string, adapter: LoraAdapter | null | undefined): Tensor {
    const y = l.forward(x);
    const lora = adapter?.modules.get(path);
    if (!lora || !adapter) return y;
    const mask = adapter.dropoutMask(this.backend, x.shape);
    const xd = mask ? mul(x, mask) : x;
    const delta = matmul(matmul(xd, lora.A, { transB: true }), lora.B, { transB: true });
    return add(y, scale(delta, adapter.scale));
  }
}
