// Packing the cpu matmul's operands into the micro-kernel's panels (./matmul-fast-wasm.ts): B into
// panels of NR columns [k][NR], A into panels of MR rows [k][MR], both zero-padded, transposes and
// strides resolved here. Shared by the single-thread and the threaded paths.

/** B(p, j) = b[base + p*rowB + j*colB] into panels of NR columns, zero-padded past n. */
export function packB(mem: Float32Array, b: Float32Array, base: number, rowB: number, colB: number, k: number, n: number, NR: number): void {
  if (colB === 1 && n >= NR) {
    packBRowMajor(mem, b, base, rowB, k, n, NR);
    return;
  }
  let o = 0;
  for (let j0 = 0; j0 < n; j0 += NR) {
    const cols = Math.min(NR, n - j0);
    for (let p = 0; p < k; p++) {
      const src = base + p * rowB + j0 * colB;
      let c = 0;
      for (; c < cols; c++) mem[o + c] = b[src + c * colB];
      for (; c < NR; c++) mem[o + c] = 0;
      o += NR;
    }
  }
}

/** packB for a row-major B (columns adjacent): row by row, so B is read in order. Panel by
 * panel it would step a whole row (often 4 KiB, aliasing in L1) per 8 floats: 3-4x slower. */
function packBRowMajor(mem: Float32Array, b: Float32Array, base: number, rowB: number, k: number, n: number, NR: number): void {
  const full = Math.floor(n / NR);
  const panel = k * NR;
  for (let p = 0; p < k; p++) {
    const src = base + p * rowB;
    for (let j = 0; j < full; j++) {
      const o = j * panel + p * NR;
      const s = src + j * NR;
      for (let c = 0; c < NR; c++) mem[o + c] = b[s + c];
    }
    if (full * NR < n) {
      const o = full * panel + p * NR;
      const cols = n - full * NR;
      let c = 0;
      for (; c < cols; c++) mem[o + c] = b[src + full * NR + c];
      for (; c < NR; c++) mem[o + c] = 0;
    }
  }
}

/** A(i, p) = a[base + i*rowA + p*colA] for `rows` rows into panels of MR rows, zero-padded. */
export function packA(mem: Float32Array, off: number, a: Float32Array, base: number, rowA: number, colA: number, rows: number, k: number, MR: number): void {
  let o = off;
  for (let i0 = 0; i0 < rows; i0 += MR) {
    const r1 = Math.min(MR, rows - i0);
    for (let p = 0; p < k; p++) {
      const src = base + i0 * rowA + p * colA;
      let r = 0;
      for (; r < r1; r++) mem[o + r] = a[src + r * rowA];
      for (; r < MR; r++) mem[o + r] = 0;
      o += MR;
    }
  }
}
