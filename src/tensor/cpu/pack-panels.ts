// Packing the cpu matmul's operands into the micro-kernel's panels (./matmul-fast-wasm.ts): B into
// panels of NR columns [k][NR], A into panels of MR rows [k][MR], both zero-padded, transposes and
// strides resolved here. Shared by the single-thread and the threaded paths. packPanels copies the
// operand into the kernel's memory and packs its full panels there with WebAssembly
// (./pack-wasm.ts), the partial last panel in JS; packA and packB are the all-JS reference.
import type { PanelPacker } from './pack-wasm';

/** Floats of the copy packPanels makes of an operand before packing it (the raw region). */
export function rawSpan(rs: number, cs: number, k: number, cols: number): number {
  return cols === 0 || k === 0 ? 0 : (k - 1) * rs + (cols - 1) * cs + 1;
}

/**
 * Packs P(p, c) = src[base + p*rs + c*cs] for p < k, c < cols into panels of W columns at mem[dst]
 * (as packA with rs = colA, cs = rowA, W = MR, or packB with rs = rowB, cs = colB, W = NR): the
 * operand's span is copied to mem[raw] (rawSpan floats, a region nothing else uses meanwhile) and
 * its full panels packed by `pk` on that memory; a last panel of fewer than W columns in JS.
 */
export function packPanels(pk: PanelPacker, mem: Float32Array, dst: number, raw: number, src: Float32Array, base: number, rs: number, cs: number, k: number, cols: number, W: number): void {
  const full = Math.floor(cols / W);
  if (full > 0 && k > 0) {
    mem.set(src.subarray(base, base + rawSpan(rs, cs, k, full * W)), raw);
    if (cs === 1) {
      // A block of steps of every panel at a time: those rows of the source (about 32 KiB) stay in
      // L1 while each is read across all the panels; panel by panel, every step of a panel would
      // load a new line (often a new page) and use W floats of it. B of 1024 x 1024: 1.2 -> 0.6 ms.
      const kb = Math.max(1, Math.min(k, Math.floor(8192 / rs)));
      for (let p0 = 0; p0 < k; p0 += kb) pk.contig((raw + p0 * rs) * 4, rs * 4, (dst + p0 * W) * 4, Math.min(kb, k - p0), full, k * W * 4);
    } else pk.strided(raw * 4, rs * 4, cs * 4, dst * 4, k, full);
  }
  const left = cols - full * W;
  if (left > 0) {
    let o = dst + full * k * W;
    const from = base + full * W * cs;
    for (let p = 0; p < k; p++) {
      const s = from + p * rs;
      let c = 0;
      for (; c < left; c++) mem[o + c] = src[s + c * cs];
      for (; c < W; c++) mem[o + c] = 0;
      o += W;
    }
  }
}

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
