// The cpu matmul's few-rows path: out = A @ B^T for a handful of rows of A (generation: one row
// per sequence) and B as stored, [n, k] row-major (a weight matrix). B is streamed through the
// WebAssembly memory in blocks that stay in cache and multiplied unpacked (./matmul-rows-wasm.ts),
// so it is read once per product and never packed: the packed path (./matmul-fast.ts) gathers
// every weight into panels, which for a model larger than the packed-operand cache
// (./packed-operands.ts) happened at every decoding step and cost as much as the products. f32
// sums four lanes wide, so the result differs from the packed path's in rounding.
// On the cpu backend's threads (./thread-pool.ts), when turned on (setFewRowsThreads) and more
// than one is on: B's blocks go through the pool's shared memory, double-buffered (the caller
// copies block j+1 while the threads multiply block j, then joins), split among the threads by
// groups of 4 rows of B. Every output is still one kernel call over all of k, so the result is the
// same bits as on one thread. Off by default: on the 2-core development machine, loaded by other
// work, it ran at 0.4-0.9x of one thread (the copy stays on the calling thread, and a join waits
// for a worker the OS has descheduled; docs/performance.md, "Few rows").
import type { MatmulShape } from '../kernels/matmul-shape';
import { matmulRowsWasm, ROWS_KERNELS } from './matmul-rows-wasm';
import { threadedKernel, type ThreadedKernel } from './thread-pool';

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
/** On threads: bytes of B per block (one job on the pool each, so larger: fewer wake-ups). */
const THREADED_BLOCK_BYTES = 512 * 1024;
/** From this many multiply-adds a product runs on the pool (a 576 x 1536 weight at one row is
 * 885 K). Below it, waking the threads costs about what they save. */
export const MIN_THREADED_FEW_ROWS_MACS = 512 * 1024;

let threadsOn = false;

/** Turns the few-rows path's use of the cpu threads on or off (default off); returns what it was. */
export function setFewRowsThreads(on: boolean): boolean {
  const was = threadsOn;
  threadsOn = on;
  return was;
}
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
  const t = threadsOn && m * n * k >= MIN_THREADED_FEW_ROWS_MACS ? threadedKernel() : null;
  if (t) return fewRowsThreaded(t, a, b, m, n, k, out);
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

function fewRowsThreaded(t: ThreadedKernel, a: Float32Array, b: Float32Array, m: number, n: number, k: number, out: Float32Array): void {
  const k4 = Math.ceil(k / 4);
  const stride = 4 * k4;
  const ra = m === 1 ? 1 : 2;
  const mPad = Math.ceil(m / ra) * ra;
  const blockRows = Math.max(4, Math.floor(THREADED_BLOCK_BYTES / (16 * stride)) * 4);
  const n4 = Math.ceil(n / 4) * 4;
  // Shared memory (floats): A [mPad][stride], two blocks of B [blockRows][stride], C [mPad][n4].
  const aOff = 0;
  const bOffs = [mPad * stride, mPad * stride + blockRows * stride];
  const cOff = bOffs[1] + blockRows * stride;
  const bytes = 4 * (cOff + mPad * n4);
  if (bytes > t.memory.buffer.byteLength) t.memory.grow(Math.ceil((bytes - t.memory.buffer.byteLength) / PAGE));
  const mem = new Float32Array(t.memory.buffer);
  const padded = stride !== k;
  if (padded) mem.fill(0, aOff, cOff);
  else if (mPad > m) mem.fill(0, aOff + m * stride, bOffs[0]);
  if (padded) for (let i = 0; i < m; i++) mem.set(a.subarray(i * k, (i + 1) * k), aOff + i * stride);
  else mem.set(a.subarray(0, m * k), aOff);
  const blocks = Math.ceil(n / blockRows);
  const rowsOf = (j: number) => Math.min(blockRows, n - j * blockRows);
  const copy = (j: number) => {
    const j0 = j * blockRows;
    const nb = rowsOf(j);
    const off = bOffs[j % 2];
    if (padded) for (let r = 0; r < nb; r++) mem.set(b.subarray((j0 + r) * k, (j0 + r + 1) * k), off + r * stride);
    else mem.set(b.subarray(j0 * k, (j0 + nb) * k), off);
    const nb4 = Math.ceil(nb / 4) * 4;
    if (nb4 > nb) mem.fill(0, off + nb * stride, off + nb4 * stride);
  };
  copy(0);
  for (let j = 0; j < blocks; j++) {
    const nGroups = Math.ceil(rowsOf(j) / 4);
    const total = t.publishRows(ra, aOff * 4, bOffs[j % 2] * 4, (cOff + j * blockRows) * 4, mPad / ra, nGroups, k4, n4);
    if (j + 1 < blocks) copy(j + 1);
    t.join(total);
  }
  if (n4 === n) out.set(mem.subarray(cOff, cOff + m * n));
  else for (let i = 0; i < m; i++) out.set(mem.subarray(cOff + i * n4, cOff + i * n4 + n), i * n);
}
