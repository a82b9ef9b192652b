// Shape checks for the transformer ops, shared by both backends: tensors in, the kernels' shape
// objects out (RopeShape, AttentionShape, ...), or a ShapeError naming the op and every shape.
import type { AttentionOptions, HeadLayout } from './backend';
import type { AttentionShape } from './kernels/attention';
import type { EmbeddingShape } from './kernels/embedding';
import type { RopeShape } from './kernels/rope';
import { ShapeError, shapeStr, type Tensor } from './tensor';

/** Rows and channels of x [..., C] normalised with a [C] vector. */
export function rowsAndChannels(op: string, x: Tensor, weight: Tensor): { n: number; c: number } {
  const c = x.shape[x.rank - 1];
  if (x.rank < 1 || weight.rank !== 1 || weight.shape[0] !== c) {
    throw new ShapeError(`${op}: x ${shapeStr(x.shape)} and weight ${shapeStr(weight.shape)} do not match (weight must be [C] of x's last axis)`);
  }
  return { n: c === 0 ? 0 : x.size / c, c };
}

export function planRope(x: Tensor, positions: Tensor, theta: number, inverse: boolean, layout: HeadLayout): RopeShape {
  if (x.rank !== 4) throw new ShapeError(`rope: x must be [B, H, T, D] or [B, T, H, D], got ${shapeStr(x.shape)}`);
  if (positions.dtype !== 'i32') throw new ShapeError(`rope: positions must be i32, got ${positions.dtype} ${shapeStr(positions.shape)}`);
  const [b, a1, a2, d] = x.shape;
  const [h, t] = layout === 'BTHD' ? [a2, a1] : [a1, a2];
  const perBatch = positions.rank === 2;
  const ok = perBatch ? positions.shape[0] === b && positions.shape[1] === t : positions.rank === 1 && positions.shape[0] === t;
  if (!ok) throw new ShapeError(`rope: positions ${shapeStr(positions.shape)} do not match x ${shapeStr(x.shape)} (${layout}; need [T] or [B, T])`);
  return { b, h, t, d, theta, perBatchPositions: perBatch, layout, inverse };
}

export function planAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions): AttentionShape {
  const layout = options.layout ?? 'BHTD';
  const all = `q ${shapeStr(q.shape)}, k ${shapeStr(k.shape)}, v ${shapeStr(v.shape)} (${layout})`;
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) throw new ShapeError(`attention: q, k, v must be rank 4: ${all}`);
  if (k.shape.join() !== v.shape.join()) throw new ShapeError(`attention: k and v differ: ${all}`);
  const bthd = layout === 'BTHD';
  const [b, hq, t, d] = bthd ? [q.shape[0], q.shape[2], q.shape[1], q.shape[3]] : q.shape;
  const [bk, hkv, s, dk] = bthd ? [k.shape[0], k.shape[2], k.shape[1], k.shape[3]] : k.shape;
  if (bk !== b || dk !== d) throw new ShapeError(`attention: batch or head dim differ: ${all}`);
  if (hkv === 0 || hq % hkv !== 0) throw new ShapeError(`attention: ${hq} query heads are not a multiple of ${hkv} key/value heads: ${all}`);
  if (options.causal && s < t) throw new ShapeError(`attention: causal attention needs S >= T: ${all}`);
  const mask = options.keyMask;
  if (mask && (mask.rank !== 2 || mask.shape[0] !== b || mask.shape[1] !== s)) {
    throw new ShapeError(`attention: keyMask ${shapeStr(mask.shape)} must be [B, S] = [${b}, ${s}] for ${all}`);
  }
  return { b, hq, hkv, t, s, d, causal: options.causal, scale: options.scale, layout };
}

/**
 * Embedding shapes: `rowsOf` is the table [V, C] (forward) or dy [...ids.shape, C] (backward);
 * ids are i32 of any shape.
 */
export function planEmbedding(vocab: number, rowsOf: Tensor, ids: Tensor): EmbeddingShape {
  if (ids.dtype !== 'i32') throw new ShapeError(`embedding: ids must be i32, got ${ids.dtype} ${shapeStr(ids.shape)}`);
  const c = rowsOf.shape[rowsOf.rank - 1];
  const isTable = rowsOf.rank === 2 && rowsOf.shape[0] === vocab && rowsOf.size === vocab * c;
  const isGrad = rowsOf.rank === ids.rank + 1 && ids.shape.every((d, i) => d === rowsOf.shape[i]);
  if (!isTable && !isGrad) {
    throw new ShapeError(`embedding: ${shapeStr(rowsOf.shape)} does not fit ids ${shapeStr(ids.shape)} and a table of ${vocab} rows`);
  }
  return { v: vocab, c, n: ids.size };
}

/** Rows of logits [N, V] against targets [N] (i32): cross-entropy and log-prob gathering. */
export function planRows(op: string, logits: Tensor, targets: Tensor): { n: number; v: number } {
  if (logits.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new ShapeError(`${op}: logits ${shapeStr(logits.shape)} must be [N, V] and targets ${shapeStr(targets.shape)} [N]`);
  }
  if (targets.dtype !== 'i32') throw new ShapeError(`${op}: targets must be i32, got ${targets.dtype} ${shapeStr(targets.shape)}`);
  return { n: logits.shape[0], v: logits.shape[1] };
}
