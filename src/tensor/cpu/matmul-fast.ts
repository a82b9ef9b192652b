// The CPU backend's matmul: the fast path (the simple reference is matmulCpu in
// ../kernels/matmul.ts). Operands are copied into the kernel's memory and packed into panels
// there (./pack-panels.ts, ./pack-wasm.ts; transposes and broadcasting are resolved then), then
// a WebAssembly SIMD micro-kernel (./matmul-fast-wasm.ts) computes whole tiles in registers.
// Synchronous; works in Node, a page and a worker. Tiny products, and runtimes without
// WebAssembly SIMD, use a plain JS loop instead. Products of at least
// MIN_THREADED_MACS run their tiles on the cpu backend's threads (./thread-pool.ts) when more than
// one is on (./matmul-threaded.ts): the same kernel on the same packed panels, so the result is
// the same bits. Products of a few rows against a transposed, shared B (generation's rows against
// weight matrices) take ./matmul-rows.ts instead, which reads B as stored and packs nothing.
import { checkMatmul, matmulStrides, type MatmulShape } from '../kernels/matmul-shape';
import { DEFAULT_MICRO_KERNEL, matmulKernelWasm, relaxedSimdSupported, type MicroKernelSize } from './matmul-fast-wasm';
import { fewRowsApplies, matmulFewRows } from './matmul-rows';
import { matmulThreaded } from './matmul-threaded';
import { packPanels, rawSpan } from './pack-panels';
import { instantiatePacker, packPanelsWasm, type PanelPacker } from './pack-wasm';
import { findPacked, keepPacked } from './packed-operands';
import { threadedKernel } from './thread-pool';

type KernelFn = (ap: number, bp: number, cp: number, mPanels: number, nPanels: number, k: number, ldc: number) => void;

interface WasmKernel {
  run: KernelFn;
  memory: WebAssembly.Memory;
  MR: number;
  NR: number;
  /** Packers of A's (width MR) and B's (width NR) panels on the same memory. */
  packA: PanelPacker;
  packB: PanelPacker;
}

/** Rows of A packed and computed per chunk: bounds the scratch memory for tall products. */
const ROW_CHUNK = 256;
/** From this many multiply-adds a product runs on threads. Below it, waking the threads (tens of
 * microseconds each, more on a busy machine) costs more than they save (measured in
 * tests/unit/cpu-threads.test.ts's sizes and `npm run bench`). */
export const MIN_THREADED_MACS = 128 * 128 * 128;
/** Below this many multiply-adds the packing overhead outweighs the SIMD kernel. */
const MIN_WASM_MACS = 4096;
const PAGE = 65536;

let wasm: WasmKernel | null | undefined;

function instantiate(module: WebAssembly.Module, size: MicroKernelSize): WasmKernel {
  const memory = new WebAssembly.Memory({ initial: 16 });
  const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
  const NR = 4 * size.NV;
  const packer = (W: number) => instantiatePacker(new WebAssembly.Module(packPanelsWasm(W)), memory);
  return { run: instance.exports.kernel as KernelFn, memory, MR: size.MR, NR, packA: packer(size.MR), packB: packer(NR) };
}

/** The compiled kernel, compiled synchronously on first use (the module is tiny), or null when
 * this runtime has no WebAssembly SIMD. */
function kernel(): WasmKernel | null {
  if (wasm !== undefined) return wasm;
  try {
    const bytes = matmulKernelWasm(DEFAULT_MICRO_KERNEL, false, relaxedSimdSupported());
    wasm = WebAssembly.validate(bytes) ? instantiate(new WebAssembly.Module(bytes), DEFAULT_MICRO_KERNEL) : null;
  } catch {
    wasm = null;
  }
  return wasm;
}

/** Compiles the WebAssembly kernel ahead of the first product. Safe to call more than once. */
export async function initFastMatmul(): Promise<void> {
  if (wasm !== undefined || typeof WebAssembly === 'undefined') return;
  const bytes = matmulKernelWasm(DEFAULT_MICRO_KERNEL, false, relaxedSimdSupported());
  if (!WebAssembly.validate(bytes)) {
    wasm = null;
    return;
  }
  const module = await WebAssembly.compile(bytes);
  wasm ??= instantiate(module, DEFAULT_MICRO_KERNEL);
}

/** Whether products run on the WebAssembly SIMD kernel (false: the JS loop). */
export function fastMatmulUsesWasm(): boolean {
  return kernel() !== null;
}

/**
 * out = op(A) @ op(B) as matmulCpu, into `out` when given (it must hold batch*m*n floats).
 * `cacheB`: B is a tensor's storage that may keep its packed panels while a hold is open
 * (./packed-operands.ts); never for scratch arrays refilled in place.
 */
export function matmulFast(a: Float32Array, b: Float32Array, shape: MatmulShape, out?: Float32Array, cacheB = false): Float32Array {
  checkMatmul(shape, a.length, b.length, out?.length);
  const result = out ?? new Float32Array(shape.batch * shape.m * shape.n);
  const { batch, m, n, k } = shape;
  if (batch * m * n === 0) return result;
  if (k === 0) return result.fill(0, 0, batch * m * n);
  const w = m * n * k >= MIN_WASM_MACS ? kernel() : null;
  // Rows of one job: a shared B with a row-major A is one tall product (see matmulWasm).
  const jobRows = shape.broadcastB && !shape.transA && !shape.broadcastA ? m * batch : m;
  const t = w && jobRows * n * k >= MIN_THREADED_MACS ? threadedKernel() : null;
  if (w && fewRowsOn && fewRowsApplies(shape)) matmulFewRows(a, b, shape, result);
  else if (t) matmulThreaded(t, a, b, shape, result, cacheB);
  else if (w) matmulWasm(w, a, b, shape, result, cacheB);
  else matmulJs(a, b, shape, result);
  return result;
}

let fewRowsOn = true;

/** Turns the few-rows path on or off (off: every product takes the packed path); returns what it
 * was. For benchmarks that compare the two side by side, around async work too. */
export function setFewRowsPath(on: boolean): boolean {
  const was = fewRowsOn;
  fewRowsOn = on;
  return was;
}

/** Runs fn with every product on the packed path. */
export function onPackedPath<T>(fn: () => T): T {
  const was = setFewRowsPath(false);
  try {
    return fn();
  } finally {
    setFewRowsPath(was);
  }
}

function ensureMemory(w: WasmKernel, bytes: number): void {
  const have = w.memory.buffer.byteLength;
  if (bytes > have) w.memory.grow(Math.ceil((bytes - have) / PAGE));
}

function matmulWasm(w: WasmKernel, a: Float32Array, b: Float32Array, shape: MatmulShape, out: Float32Array, cacheB: boolean): void {
  let { batch, m } = shape;
  const { n, k } = shape;
  const s = matmulStrides(shape);
  // A shared B with a row-major, batched A is one tall product: pack B once, stream all rows.
  if (shape.broadcastB && !shape.transA && !shape.broadcastA) {
    m *= batch;
    batch = 1;
  }
  const { MR, NR } = w;
  const nPanels = Math.ceil(n / NR);
  const ldc = nPanels * NR;
  const rowsPerChunk = Math.min(ROW_CHUNK, Math.ceil(m / MR) * MR);
  // Scratch layout (floats): packed B [nPanels][k][NR], packed A [chunk/MR][k][MR], C [chunk][ldc],
  // then the raw copy of whichever operand is being packed (./pack-panels.ts packPanels).
  const bFloats = nPanels * k * NR;
  const aFloats = rowsPerChunk * k;
  const rawFloats = Math.max(rawSpan(s.rowB, s.colB, k, n), rawSpan(s.colA, s.rowA, k, rowsPerChunk));
  ensureMemory(w, 4 * (bFloats + aFloats + rowsPerChunk * ldc + rawFloats));
  const mem = new Float32Array(w.memory.buffer);
  const aOff = bFloats;
  const cOff = bFloats + aFloats;
  const rawOff = cOff + rowsPerChunk * ldc;
  let bPackedFor = -1;
  for (let bi = 0; bi < batch; bi++) {
    const bBase = bi * s.batchB;
    if (bBase !== bPackedFor) {
      const layout = [bBase, s.rowB, s.colB, k, n, NR];
      const kept = cacheB ? findPacked(b, layout) : undefined;
      if (kept) mem.set(kept);
      else {
        packPanels(w.packB, mem, 0, rawOff, b, bBase, s.rowB, s.colB, k, n, NR);
        if (cacheB) keepPacked(b, layout, mem.subarray(0, bFloats));
      }
      bPackedFor = bBase;
    }
    for (let i0 = 0; i0 < m; i0 += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, m - i0);
      const mPanels = Math.ceil(rows / MR);
      packPanels(w.packA, mem, aOff, rawOff, a, bi * s.batchA + i0 * s.rowA, s.colA, s.rowA, k, rows, MR);
      w.run(aOff * 4, 0, cOff * 4, mPanels, nPanels, k, ldc);
      const outBase = (bi * m + i0) * n;
      for (let r = 0; r < rows; r++) out.set(mem.subarray(cOff + r * ldc, cOff + r * ldc + n), outBase + r * n);
    }
  }
}

/** The fallback: an i-p-j loop over B packed to [k, n]. */
function matmulJs(a: Float32Array, b: Float32Array, shape: MatmulShape, out: Float32Array): void {
  const { batch, m, n, k } = shape;
  const s = matmulStrides(shape);
  const bkn = new Float32Array(k * n);
  let packedFor = -1;
  for (let bi = 0; bi < batch; bi++) {
    const bBase = bi * s.batchB;
    if (bBase !== packedFor) {
      for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bkn[p * n + j] = b[bBase + p * s.rowB + j * s.colB];
      packedFor = bBase;
    }
    const aBase = bi * s.batchA;
    for (let i = 0; i < m; i++) {
      const o = (bi * m + i) * n;
      out.fill(0, o, o + n);
      for (let p = 0; p < k; p++) {
        const av = a[aBase + i * s.rowA + p * s.colA];
        const bo = p * n;
        for (let j = 0; j < n; j++) out[o + j] += av * bkn[bo + j];
      }
    }
  }
}
