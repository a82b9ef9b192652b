// Sparse rows (CSR) of bag-of-features encodings and the two products the analysis models need:
// X·V (every response's reward vector from its word bag) and Xᵀ·G (the gradient back onto the
// feature table). Rewards are linear in the bag, so the models compute them once per response,
// not once per pair: a pair's margin is a difference of two precomputed rows.
import type { Bag } from '../encoders/bags';

export interface Csr {
  rows: number;
  cols: number;
  ptr: Int32Array;
  idx: Int32Array;
  val: Float64Array;
}

export function csrFromBags(bags: readonly Bag[], cols: number): Csr {
  const ptr = new Int32Array(bags.length + 1);
  bags.forEach((b, i) => (ptr[i + 1] = ptr[i] + b.ids.length));
  const idx = new Int32Array(ptr[bags.length]);
  const val = new Float64Array(ptr[bags.length]);
  bags.forEach((b, i) => {
    idx.set(b.ids, ptr[i]);
    for (let j = 0; j < b.ids.length; j++) val[ptr[i] + j] = b.weights[j];
  });
  return { rows: bags.length, cols, ptr, idx, val };
}

/** out [rows × d] = X [rows × cols] · V [cols × d]. */
export function csrMul(X: Csr, V: Float64Array, d: number, out = new Float64Array(X.rows * d)): Float64Array {
  out.fill(0);
  for (let r = 0; r < X.rows; r++) {
    const o = r * d;
    for (let j = X.ptr[r]; j < X.ptr[r + 1]; j++) {
      const c = X.idx[j] * d;
      const v = X.val[j];
      for (let k = 0; k < d; k++) out[o + k] += v * V[c + k];
    }
  }
  return out;
}

/** out [cols × d] += Xᵀ · G [rows × d]. */
export function csrMulTransposeAdd(X: Csr, G: Float64Array, d: number, out: Float64Array): Float64Array {
  for (let r = 0; r < X.rows; r++) {
    const o = r * d;
    for (let j = X.ptr[r]; j < X.ptr[r + 1]; j++) {
      const c = X.idx[j] * d;
      const v = X.val[j];
      for (let k = 0; k < d; k++) out[c + k] += v * G[o + k];
    }
  }
  return out;
}
