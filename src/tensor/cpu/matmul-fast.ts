// The CPU backend's matmul: the fast path (the simple reference is matmulCpu in
// ../kernels/matmul.ts). Synchronous once initFastMatmul() has resolved; works in Node, a page and
// a worker. This first version is an i-p-j loop in plain JS over a B packed to [k, n].
import { checkMatmul, matmulStrides, type MatmulShape } from '../kernels/matmul-shape';

/** Prepares the fast path (compiles its WebAssembly where there is some). Safe to call twice. */
export async function initFastMatmul(): Promise<void> {}

/** out = op(A) @ op(B) as matmulCpu, into `out` when given (it must hold batch*m*n floats). */
export function matmulFast(a: Float32Array, b: Float32Array, shape: MatmulShape, out?: Float32Array): Float32Array {
  checkMatmul(shape, a.length, b.length, out?.length);
  const { batch, m, n, k } = shape;
  const s = matmulStrides(shape);
  const result = out ?? new Float32Array(batch * m * n);
  let packed: Float32Array | undefined;
  for (let bi = 0; bi < batch; bi++) {
    // B as [k, n] row-major: a view when it already is, else a packed copy (once if shared).
    let bkn: Float32Array;
    if (!shape.transB) bkn = b.subarray(bi * s.batchB, bi * s.batchB + k * n);
    else {
      if (!packed || !shape.broadcastB) {
        packed ??= new Float32Array(k * n);
        const base = bi * s.batchB;
        for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) packed[p * n + j] = b[base + j * k + p];
      }
      bkn = packed;
    }
    const baseA = bi * s.batchA;
    for (let i = 0; i < m; i++) {
      const o = (bi * m + i) * n;
      result.fill(0, o, o + n);
      for (let p = 0; p < k; p++) {
        const av = a[baseA + i * s.rowA + p * s.colA];
        const bo = p * n;
        for (let j = 0; j < n; j++) result[o + j] += av * bkn[bo + j];
      }
    }
  }
  return result;
}
