// The cpu matmul's few-rows path: out = A @ B^T for a handful of rows of A (generation: one row
// per sequence) and B as stored, [n, k] row-major (a weight matrix). B is streamed through the
// WebAssembly memory in blocks that stay in cache and multiplied unpacked (./matmul-rows-wasm.ts),
// so it is read once per product and never packed: the packed path (./matmul-fast.ts) gathers
// every weight into panels, which for a model larger than the packed-operand cache
// (./packed-operands.ts) happened at every decoding step and cost as much as the products. Single
// thread; f32 sums four lanes wide, so the result differs from the packed path's in rounding.
import type { MatmulShape } from '../kernels/matmul-shape';
import { matmulRowsWasm, ROWS_KERNELS } from './matmul-rows-wasm';

type RowsFn = (ap: number, bp: number, cp: number, mGroups: number, nGroups: number, k4: number, ldc: number) => void;

interface RowsKernel {
  memory: WebAssembly.Memory;
  rows1: RowsFn;
  rows2: RowsFn;
}

/** Rows of A (batch included) up to which products take this path. Measured against the packed
 * path (`npm run bench`, "few-rows matmul" lines; docs/performance.md). */
export const MAX_FEW_ROWS = 16;
/** Bytes of B per block: copied into the kernel's memory and used there while still in cache. */
const BLOCK_BYTES = 64 * 1024;
const PAGE = 65536;

let rows: RowsKernel | null | undefined;

function kernel(): RowsKernel | null {
  if (rows !== undefined) return rows;
  try {
    const bytes = matmulRowsWasm();
    if (!WebAssembly.validate(bytes)) return (rows = null);
    const memory = new WebAssembly.Memory({ initial: 16 });
    const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } }).exports;
    rows = { memory, rows1: e[Object.keys(ROWS_KERNELS)[0]] as RowsFn, rows2: e[Object.keys(ROWS_KERNELS)[1]] as RowsFn };
  } catch {
    rows = null;
  }
  return rows;
}

/** Whether this product can take the few-rows path: A row-major (batches stacked as rows), B
 * transposed and shared by every batch, at most MAX_FEW_ROWS rows, and WebAssembly SIMD here. */
export function fewRowsApplies(shape: MatmulShape, maxRows = MAX_FEW_ROWS): boolean {
  const { batch, m, k } = shape;
  if (!shape.transB || shape.transA || shape.broadcastA || k === 0) return false;
  if (batch > 1 && !shape.broadcastB) return false;
  return batch * m <= maxRows && kernel() !== null;
}

/** out = A @ B^T for a shape fewRowsApplies() accepted; out holds batch*m*n floats. */
export function matmulFewRows(a: Float32Array, b: Float32Array, shape: MatmulShape, out: Float32Array): void {
  const w = kernel();
  if (!w) throw new Error('matmulFewRows: no WebAssembly SIMD here; check fewRowsApplies() first');
  const { n, k } = shape;
  const m = shape.batch * shape.m;
  const k4 = Math.ceil(k / 4);
  const stride = 4 * k4; // floats per padded row
  const ra = m === 1 ? 1 : 2;
  const mPad = Math.ceil(m / ra) * ra;
  const blockRows = Math.max(4, Math.floor(BLOCK_BYTES / (16 * stride)) * 4);
  const n4 = Math.ceil(n / 4) * 4;
  // Memory (floats): A [mPad][stride], a block of B [blockRows][stride], C [mPad][n4].
  const aOff = 0;
  const bOff = mPad * stride;
  const cOff = bOff + blockRows * stride;
  const bytes = 4 * (cOff + mPad * n4);
  if (bytes > w.memory.buffer.byteLength) w.memory.grow(Math.ceil((bytes - w.memory.buffer.byteLength) / PAGE));
  const mem = new Float32Array(w.memory.buffer);
  const padded = stride !== k;
  // Zero padding: the lanes past k, and the rows past m, add nothing to any sum.
  if (padded) mem.fill(0, aOff, cOff);
  else if (mPad > m) mem.fill(0, aOff + m * stride, bOff);
  if (padded) for (let i = 0; i < m; i++) mem.set(a.subarray(i * k, (i + 1) * k), aOff + i * stride);
  else mem.set(a.subarray(0, m * k), aOff);
  const run = ra === 1 ? w.rows1 : w.rows2;
  for (let j0 = 0; j0 < n; j0 += blockRows) {
    const nb = Math.min(blockRows, n - j0);
    if (padded) for (let j = 0; j < nb; j++) mem.set(b.subarray((j0 + j) * k, (j0 + j + 1) * k), bOff + j * stride);
    else mem.set(b.subarray(j0 * k, (j0 + nb) * k), bOff);
    // The last block's rows past n: zeros (their sums land in C's padding columns).
    const nb4 = Math.ceil(nb / 4) * 4;
    if (nb4 > nb) mem.fill(0, bOff + nb * stride, bOff + nb4 * stride);
    run(aOff * 4, bOff * 4, (cOff + j0) * 4, mPad / ra, nb4 / 4, k4, n4);
  }
  if (n4 === n) out.set(mem.subarray(cOff, cOff + m * n));
  else for (let i = 0; i < m; i++) out.set(mem.subarray(cOff + i * n4, cOff + i * n4 + n), i * n);
}
