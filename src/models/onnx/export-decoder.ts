// Writes a Llama/Qwen2 checkpoint as an ONNX decoder with past key values, in the layout
// transformers.js and Optimum use on the hub: inputs input_ids, attention_mask, position_ids and
// past_key_values.{i}.key/value [B, Hkv, P, D]; outputs logits [B, T, V] and present.{i}.key/value
// [B, Hkv, P+T, D]. fp32 weights, opset 17, only ops onnxruntime-web's WASM and WebGPU EPs run:
// RMSNorm, rotary embeddings, grouped-query attention and SwiGLU are decomposed into MatMul, Mul,
// Add, Div, Sqrt, ReduceMean, Gather, Slice, Concat, Reshape, Transpose, Unsqueeze, Softmax,
// Sigmoid, Neg, Shape, Range, Greater, Cast. The repo's fixture (scripts/onnx-fixture) and tests
// write one from the tiny test checkpoint's weights.
import type { ModelConfig } from '../config';
import { configInvFreq, ropeTables } from '../rope';
import { GraphBuilder, ONNX_DTYPE } from './graph-builder';

export interface ExportDecoderOptions {
  /** Leave out past_key_values / present (a decoder that cannot cache: refused by the loader). */
  withPast?: boolean;
  /** Name of the logits output (tests write a wrong one). */
  logitsName?: string;
}

/** f32 weight by Hugging Face name ([out, in] for linear layers). */
export type WeightReader = (name: string) => Promise<Float32Array>;

const NEG = -1e9;

/** [rows, cols] -> [cols, rows] (transformers stores x W^T; ONNX MatMul wants W^T). */
function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

export async function exportOnnxDecoder(c: ModelConfig, read: WeightReader, o: ExportDecoderOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  const withPast = o.withPast ?? true;
  const g = new GraphBuilder('persona-lab-decoder');
  const C = c.hiddenSize;
  const H = c.numHeads;
  const KV = c.numKvHeads;
  const D = c.headDim;
  const I = c.intermediateSize;
  const V = c.vocabSize;
  const rep = H / KV;

  const ids = g.input('input_ids', ONNX_DTYPE.INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', ONNX_DTYPE.INT64, ['batch_size', 'total_sequence_length']);
  const pos = g.input('position_ids', ONNX_DTYPE.INT64, ['batch_size', 'sequence_length']);
  const past: { key: string; value: string }[] = [];
  if (withPast) {
    for (let i = 0; i < c.numLayers; i++) {
      past.push({
        key: g.input(`past_key_values.${i}.key`, ONNX_DTYPE.FLOAT, ['batch_size', KV, 'past_sequence_length', D]),
        value: g.input(`past_key_values.${i}.value`, ONNX_DTYPE.FLOAT, ['batch_size', KV, 'past_sequence_length', D]),
      });
    }
  }

  // Constants.
  const k = {
    zero: g.ints('c_zero', [], [0]),
    one: g.ints('c_one', [], [1]),
    ax1: g.ints('c_axes_1', [1], [1]),
    ax2: g.ints('c_axes_2', [1], [2]),
    ax3: g.ints('c_axes_3', [1], [3]),
    lo: g.ints('c_half_lo', [1], [0]),
    mid: g.ints('c_half_mid', [1], [D / 2]),
    hi: g.ints('c_half_hi', [1], [D]),
    onef: g.floats('c_one_f', [], Float32Array.of(1)),
    neg: g.floats('c_neg', [], Float32Array.of(NEG)),
    eps: g.floats('c_eps', [], Float32Array.of(c.rmsNormEps)),
    scale: g.floats('c_scale', [], Float32Array.of(1 / Math.sqrt(D))),
    toHeads: g.ints('c_shape_heads', [4], [0, 0, H, D]),
    toKvHeads: g.ints('c_shape_kv_heads', [4], [0, 0, KV, D]),
    toGroups: g.ints('c_shape_groups', [5], [0, KV, rep, -1, D]),
    fromGroups: g.ints('c_shape_from_groups', [4], [0, H, -1, D]),
    toHidden: g.ints('c_shape_hidden', [3], [0, 0, H * D]),
    toPadMask: g.ints('c_shape_pad_mask', [5], [0, 1, 1, 1, -1]),
  };

  // Additive mask [B, 1, 1, T, S]: key s is hidden from query t (absolute position P + t) when s > P + t or attention_mask[b, s] is 0.
  const T = g.op('Gather', [g.op('Shape', [ids]), k.one], { axis: 0 });
  const S = g.op('Gather', [g.op('Shape', [mask]), k.one], { axis: 0 });
  const P = g.op('Sub', [S, T]);
  const keyPos = g.op('Range', [k.zero, S, k.one]);
  const queryPos = g.op('Unsqueeze', [g.op('Range', [P, S, k.one]), k.ax1]);
  const causal = g.op('Mul', [g.op('Cast', [g.op('Greater', [keyPos, queryPos])], { to: ONNX_DTYPE.FLOAT }), k.neg]);
  const padding = g.op('Mul', [g.op('Sub', [k.onef, g.op('Cast', [mask], { to: ONNX_DTYPE.FLOAT })]), k.neg]);
  const additive = g.op('Add', [causal, g.op('Reshape', [padding, k.toPadMask])]);

  // Rotary tables gathered by position: [B, 1, T, D].
  const positions = Array.from({ length: c.maxPositionEmbeddings }, (_, i) => i);
  const tables = ropeTables(configInvFreq(c), positions);
  const cosTable = g.floats('rope_cos', [c.maxPositionEmbeddings, D], tables.cos);
  const sinTable = g.floats('rope_sin', [c.maxPositionEmbeddings, D], tables.sin);
  const cos = g.op('Unsqueeze', [g.op('Gather', [cosTable, pos], { axis: 0 }), k.ax1]);
  const sin = g.op('Unsqueeze', [g.op('Gather', [sinTable, pos], { axis: 0 }), k.ax1]);
  const rope = (x: string): string => {
    const x1 = g.op('Slice', [x, k.lo, k.mid, k.ax3]);
    const x2 = g.op('Slice', [x, k.mid, k.hi, k.ax3]);
    const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: 3 });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
  };

  const rmsNorm = async (x: string, weight: string): Promise<string> => {
    const ms = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const normed = g.op('Div', [x, g.op('Sqrt', [g.op('Add', [ms, k.eps])])]);
    return g.op('Mul', [normed, g.floats(weight, [C], await read(weight))]);
  };
  const linear = async (x: string, name: string, out: number, inp: number, bias: boolean): Promise<string> => {
    const w = g.floats(`${name}.weight_t`, [inp, out], transpose(await read(`${name}.weight`), out, inp));
    const y = g.op('MatMul', [x, w]);
    return bias ? g.op('Add', [y, g.floats(`${name}.bias`, [out], await read(`${name}.bias`))]) : y;
  };

  const embed = await read('model.embed_tokens.weight');
  let x = g.op('Gather', [g.floats('model.embed_tokens.weight', [V, C], embed), ids], { axis: 0 });
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}.`;
    const h = await rmsNorm(x, p + 'input_layernorm.weight');
    const heads = (y: string, shape: string) => g.op('Transpose', [g.op('Reshape', [y, shape])], { perm: [0, 2, 1, 3] });
    const q = rope(heads(await linear(h, p + 'self_attn.q_proj', H * D, C, c.qkvBias), k.toHeads));
    let key = rope(heads(await linear(h, p + 'self_attn.k_proj', KV * D, C, c.qkvBias), k.toKvHeads));
    let value = heads(await linear(h, p + 'self_attn.v_proj', KV * D, C, c.qkvBias), k.toKvHeads);
    if (withPast) {
      key = g.op('Concat', [past[i].key, key], { axis: 2 }, `present.${i}.key`);
      value = g.op('Concat', [past[i].value, value], { axis: 2 }, `present.${i}.value`);
      g.output(`present.${i}.key`, ONNX_DTYPE.FLOAT, ['batch_size', KV, 'total_sequence_length', D]);
      g.output(`present.${i}.value`, ONNX_DTYPE.FLOAT, ['batch_size', KV, 'total_sequence_length', D]);
    }
    // Grouped-query attention without copying keys: queries [B, Hkv, rep, T, D] against keys [B, Hkv, 1, S, D].
    const q5 = g.op('Reshape', [q, k.toGroups]);
    const k5 = g.op('Unsqueeze', [key, k.ax2]);
    const v5 = g.op('Unsqueeze', [value, k.ax2]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q5, g.op('Transpose', [k5], { perm: [0, 1, 2, 4, 3] })]), k.scale]), additive]);
    const att = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v5]);
    const merged = g.op('Reshape', [g.op('Transpose', [g.op('Reshape', [att, k.fromGroups])], { perm: [0, 2, 1, 3] }), k.toHidden]);
    x = g.op('Add', [x, await linear(merged, p + 'self_attn.o_proj', C, H * D, c.oBias)]);
    const h2 = await rmsNorm(x, p + 'post_attention_layernorm.weight');
    const gate = await linear(h2, p + 'mlp.gate_proj', I, C, c.mlpBias);
    const up = await linear(h2, p + 'mlp.up_proj', I, C, c.mlpBias);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    x = g.op('Add', [x, await linear(act, p + 'mlp.down_proj', C, I, c.mlpBias)]);
  }
  const final = await rmsNorm(x, 'model.norm.weight');
  const head = c.tieWordEmbeddings ? transpose(embed, V, C) : transpose(await read('lm_head.weight'), V, C);
  const logitsName = o.logitsName ?? 'logits';
  g.op('MatMul', [final, g.floats('lm_head.weight_t', [C, V], head)], {}, logitsName);
  g.output(logitsName, ONNX_DTYPE.FLOAT, ['batch_size', 'sequence_length', V]);
  return g.model(17);
}
