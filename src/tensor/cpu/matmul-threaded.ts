// The cpu matmul on the backend's threads (./thread-pool.ts): the single-thread path's packing and
// kernel (./matmul-fast.ts), with the calling thread's serial work hidden behind the threads'.
// Rows of A go in chunks; while the threads compute chunk j, the caller copies chunk j-1's
// results out and packs chunk j+1's rows (A and C are double-buffered in the shared memory), then
// joins chunk j, taking the tiles still left. Every tile is still one kernel call over all of k,
// so the result is the same bits as on one thread.
import { matmulStrides, type MatmulShape } from '../kernels/matmul-shape';
import { packPanels, rawSpan } from './pack-panels';
import { findPacked, keepPacked } from './packed-operands';
import type { ThreadedKernel } from './thread-pool';

/** Rows per chunk: small enough that the first pack and the last copy (not hidden) are short,
 * large enough for a few tasks per thread (64 rows each). */
const CHUNK_ROWS = 256;
const PAGE = 65536;

export function matmulThreaded(w: ThreadedKernel, a: Float32Array, b: Float32Array, shape: MatmulShape, out: Float32Array, cacheB: boolean): void {
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
  const rowsPerChunk = Math.min(Math.max(CHUNK_ROWS, Math.ceil(MR * 8 * w.threads)), Math.ceil(m / MR) * MR);
  // Scratch (floats): packed B, then two packed-A buffers, then two C buffers, then the raw copy
  // of the operand the caller is packing (only the caller touches it).
  const bFloats = nPanels * k * NR;
  const aFloats = rowsPerChunk * k;
  const cFloats = rowsPerChunk * ldc;
  const aOff = [bFloats, bFloats + aFloats];
  const cOff = [bFloats + 2 * aFloats, bFloats + 2 * aFloats + cFloats];
  const rawOff = bFloats + 2 * aFloats + 2 * cFloats;
  const rawFloats = Math.max(rawSpan(s.rowB, s.colB, k, n), rawSpan(s.colA, s.rowA, k, rowsPerChunk));
  const bytes = 4 * (rawOff + rawFloats);
  const have = w.memory.buffer.byteLength;
  if (bytes > have) w.memory.grow(Math.ceil((bytes - have) / PAGE));
  const mem = new Float32Array(w.memory.buffer);
  const chunks = Math.ceil(m / rowsPerChunk);
  const rowsOf = (j: number) => Math.min(rowsPerChunk, m - j * rowsPerChunk);
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
    const pack = (j: number) => packPanels(w.packA, mem, aOff[j % 2], rawOff, a, bi * s.batchA + j * rowsPerChunk * s.rowA, s.colA, s.rowA, k, rowsOf(j), MR);
    const copyOut = (j: number) => {
      const c = cOff[j % 2];
      const outBase = (bi * m + j * rowsPerChunk) * n;
      for (let r = 0; r < rowsOf(j); r++) out.set(mem.subarray(c + r * ldc, c + r * ldc + n), outBase + r * n);
    };
    pack(0);
    for (let j = 0; j < chunks; j++) {
      const total = w.publish(aOff[j % 2] * 4, 0, cOff[j % 2] * 4, Math.ceil(rowsOf(j) / MR), nPanels, k, ldc);
      if (j > 0) copyOut(j - 1);
      if (j + 1 < chunks) pack(j + 1);
      w.join(total);
    }
    copyOut(chunks - 1);
  }
}
