// What every thread of the cpu backend's pool runs (./thread-pool.ts), the calling thread included:
// take tiles of the current matmul job from a shared counter and run the WebAssembly kernel on
// them. These two functions reference nothing outside their arguments, because Node's workers get
// them as source text (Function.prototype.toString, in thread-pool.ts) while a browser's worker
// imports them (./matmul-thread.worker.ts): one definition for both.
//
// Control block (an Int32Array over a SharedArrayBuffer, slots named by CTL):
// - GEN: the job's generation. Even: published; odd: the caller is writing the next job. A worker
//   reads the job's parameters between two equal even reads (a seqlock), so it never runs a task
//   with half-written parameters.
// - NEXT: (generation tag << 12) | next task index. A task is taken by compare-exchange only while
//   the tag is the job's, so a worker that woke late for a finished job takes nothing of the next.
// - DONE: tasks finished; the caller waits until it reaches TOTAL before it reads the results.
// - WORKED + slot: tasks each thread ran (tests check that the workers really took part).
// Which thread runs a tile changes nothing in it: every tile is one kernel call over all of k.
// KIND picks the kernel among those each thread was given: 0 the tile kernel on packed panels,
// 1 and 2 the few-rows kernels (./matmul-rows-wasm.ts: a task is groups of rows of A against
// groups of 4 rows of B; the same pointer arithmetic with their group sizes in bytes).

export const CTL = {
  GEN: 0,
  NEXT: 1,
  DONE: 2,
  STOP: 3,
  A: 4,
  B: 5,
  C: 6,
  K: 7,
  LDC: 8,
  M_PANELS: 9,
  N_PANELS: 10,
  ROW_PANELS: 11,
  COL_PANELS: 12,
  COL_BLOCKS: 13,
  TOTAL: 14,
  A_PANEL_BYTES: 15,
  B_PANEL_BYTES: 16,
  C_TILE_ROW_BYTES: 17,
  NR_BYTES: 18,
  KIND: 19,
  WORKED: 24,
  /** Slots in all: WORKED + one per thread, at most MAX_SLOTS. */
  LENGTH: 24 + 256,
} as const;

export const MAX_SLOTS = 256;
/** Tasks per job stay below 4096: the index lives in NEXT's low 12 bits. */
export const MAX_TASKS = 4095;

export type KernelFn = (ap: number, bp: number, cp: number, mPanels: number, nPanels: number, k: number, ldc: number) => void;

/** Runs tasks of the current job until none is left; returns how many this thread ran, or -1 when
 * a job is being written (call again once GEN changes). */
export function takeTasks(ctl: Int32Array, kernels: readonly KernelFn[], L: typeof CTL, slot: number): number {
  // The job's parameters, copied between two equal even reads of GEN.
  const job = new Int32Array(L.WORKED);
  let g = Atomics.load(ctl, L.GEN);
  for (;;) {
    if ((g & 1) !== 0) return -1;
    for (let i = 0; i < job.length; i++) job[i] = Atomics.load(ctl, i);
    const again = Atomics.load(ctl, L.GEN);
    if (again === g) break;
    g = again;
  }
  const [a, b, c, k, ldc, mPanels, nPanels, rowPanels, colPanels, colBlocks, total] = [L.A, L.B, L.C, L.K, L.LDC, L.M_PANELS, L.N_PANELS, L.ROW_PANELS, L.COL_PANELS, L.COL_BLOCKS, L.TOTAL].map((i) => job[i]);
  const [aPanel, bPanel, cTileRow, nrBytes] = [L.A_PANEL_BYTES, L.B_PANEL_BYTES, L.C_TILE_ROW_BYTES, L.NR_BYTES].map((i) => job[i]);
  const tag = (g >>> 1) & 0x7ffff;
  const run = kernels[job[L.KIND]];
  let ran = 0;
  for (;;) {
    const w = Atomics.load(ctl, L.NEXT);
    if (w >>> 12 !== tag) break;
    const t = w & 0xfff;
    if (t >= total) break;
    if (Atomics.compareExchange(ctl, L.NEXT, w, w + 1) !== w) continue;
    const rb = Math.floor(t / colBlocks);
    const cb = t - rb * colBlocks;
    const p0 = rb * rowPanels;
    const q0 = cb * colPanels;
    run(a + p0 * aPanel, b + q0 * bPanel, c + p0 * cTileRow + q0 * nrBytes, Math.min(rowPanels, mPanels - p0), Math.min(colPanels, nPanels - q0), k, ldc);
    ran++;
    if (Atomics.add(ctl, L.DONE, 1) + 1 === total) Atomics.notify(ctl, L.DONE);
  }
  if (ran > 0) Atomics.add(ctl, L.WORKED + slot, ran);
  return ran;
}

/** A worker's whole life: wait for a new generation, take its tasks, until STOP is set. */
export function threadMain(ctl: Int32Array, run: readonly KernelFn[], L: typeof CTL, slot: number, take: typeof takeTasks): void {
  let seen = Atomics.load(ctl, L.GEN);
  // A job published before this worker started is taken too (its tag still guards it).
  if ((seen & 1) === 0) take(ctl, run, L, slot);
  for (;;) {
    if (Atomics.load(ctl, L.STOP) !== 0) return;
    const g = Atomics.load(ctl, L.GEN);
    if (g !== seen && (g & 1) === 0) {
      seen = g;
      take(ctl, run, L, slot);
      continue;
    }
    Atomics.wait(ctl, L.GEN, g);
  }
}

/** How long a browser worker blocks for the next job before it waits without blocking. */
export const HOT_WAIT_MS = 50;

/**
 * threadMain for a browser worker: between products that follow each other closely (a training
 * step's) it blocks as threadMain does, but once idle it waits with Atomics.waitAsync, so its event
 * loop runs. A worker blocked forever in Atomics.wait answers nothing: the page's memory
 * measurement (performance.measureUserAgentSpecificMemory) then waits on it, and so does any
 * other task the browser queues for the worker.
 */
export async function threadMainAsync(ctl: Int32Array, run: readonly KernelFn[], L: typeof CTL, slot: number, take: typeof takeTasks): Promise<void> {
  let seen = Atomics.load(ctl, L.GEN);
  if ((seen & 1) === 0) take(ctl, run, L, slot);
  for (;;) {
    if (Atomics.load(ctl, L.STOP) !== 0) return;
    const g = Atomics.load(ctl, L.GEN);
    if (g !== seen && (g & 1) === 0) {
      seen = g;
      take(ctl, run, L, slot);
      continue;
    }
    if (Atomics.wait(ctl, L.GEN, g, HOT_WAIT_MS) !== 'timed-out') continue;
    // Atomics.waitAsync is in ES2024's lib; this project compiles against ES2023's.
    const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: unknown } }).waitAsync;
    const waiting = waitAsync(ctl, L.GEN, g);
    if (waiting.async) await waiting.value;
  }
}
