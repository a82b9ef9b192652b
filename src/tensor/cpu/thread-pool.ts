// The cpu backend's threads: a pool of workers (worker_threads in Node, module Web Workers in a
// browser) that run the WebAssembly SIMD matmul kernel on one shared WebAssembly.Memory. The
// calling thread packs the operands into that memory, publishes a job in a shared control block
// and takes tiles of it itself like any worker (./thread-loop.ts), then waits with Atomics.wait
// until every tile is done: the backend's ops stay synchronous. Since the caller works too, a
// worker that has not started yet, or a machine too busy to run it, only slows a product down.
//
// Threads: available cores by default (os.availableParallelism / navigator.hardwareConcurrency),
// or setCpuThreads(n); 1 is the single-thread path of ./matmul-fast.ts, untouched. Where threads
// cannot share memory or wait (a page that is not cross-origin isolated, a page's main thread,
// a runtime without workers) the backend runs on 1 thread and cpuThreadInfo().reason says why.
// Workers never keep a Node process alive (unref) and are terminated when the count changes.
import { DEFAULT_MICRO_KERNEL, matmulKernelWasm, relaxedSimdSupported, SHARED_MAX_PAGES } from './matmul-fast-wasm';
import type * as NodeWorkerThreads from 'node:worker_threads';
import { matmulRowsWasm } from './matmul-rows-wasm';
import { instantiatePacker, packPanelsWasm, type PanelPacker } from './pack-wasm';
import { CTL, MAX_SLOTS, MAX_TASKS, takeTasks, threadMain, type KernelFn } from './thread-loop';

export interface CpuThreadInfo {
  /** Threads products large enough to gain run on (1: the single-thread path). */
  threads: number;
  /** What was asked for: a count, or 'auto' (every available core). */
  requested: number | 'auto';
  /** Cores this runtime reports. */
  available: number;
  /** Why fewer threads than requested run, when they do. */
  reason?: string;
}

/** The kernel as ./matmul-threaded.ts drives it, spread over the pool. */
export interface ThreadedKernel {
  memory: WebAssembly.Memory;
  MR: number;
  NR: number;
  threads: number;
  /** The calling thread's packers of A's and B's panels on the shared memory (./pack-wasm.ts). */
  packA: PanelPacker;
  packB: PanelPacker;
  /** Starts a job (the kernel's arguments) and returns its task count. */
  publish: (...args: Parameters<KernelFn>) => number;
  /** Starts a few-rows job (./matmul-rows.ts): C = A @ B^T, A in groups of `ra` (1 or 2) rows,
   * B in groups of 4 rows, rows `k4` vectors long; returns its task count. */
  publishRows(ra: 1 | 2, ap: number, bp: number, cp: number, mGroups: number, nGroups: number, k4: number, ldc: number): number;
  /** Runs the job's remaining tiles here and waits for the rest. */
  join(total: number): void;
}

export class CpuThreadsError extends Error {
  override name = 'CpuThreadsError';
}

/** Rows of A per task: 64 rows of packed A (64 KiB per 256 of k) stay in cache while B streams. */
const TASK_ROWS = 64;
/** How long startCpuThreads waits for the workers before going on without the late ones. */
const READY_TIMEOUT_MS = 10_000;
/** Tasks per thread per job of the tile kernel. A job ends when its last task does, so the thread
 * that finishes first waits up to one task at every join (four joins per 1024 product: a chunk of
 * 256 rows each); with 4 per thread a task of a 1024 product was 64 x 512 x 1024 (1.3 ms) and
 * those waits could add up to a tenth of the product. Many small tasks also let a thread the
 * machine slows down fall behind without holding the others up. */
const TASKS_PER_THREAD = 16;
/** A task keeps at least this many multiply-adds (about 5 us): taking one is an atomic exchange. */
const MIN_TASK_MACS = 1 << 18;
/** Tasks per thread of a few-rows job (./matmul-rows.ts). */
const ROWS_TASKS_PER_THREAD = 4;

interface Spawned {
  terminate(): void;
}


interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node ? p : undefined;
}

function availableCores(): number {
  const node = nodeProcess();
  if (node?.getBuiltinModule) {
    const os = node.getBuiltinModule('node:os') as { availableParallelism?: () => number; cpus(): unknown[] };
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  }
  return Math.max(1, (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);
}

/** Why this runtime cannot run the pool, or null when it can. */
function unsupportedReason(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; document?: unknown; SharedArrayBuffer?: unknown; Worker?: unknown };
  if (typeof WebAssembly === 'undefined') return 'this runtime has no WebAssembly';
  if (g.crossOriginIsolated === false || typeof g.SharedArrayBuffer === 'undefined') {
    return 'shared memory is not allowed: the page is not cross-origin isolated (it needs the COOP and COEP headers)';
  }
  if (g.document !== undefined) return "a page's main thread cannot wait for other threads (Atomics.wait); the engine's worker can";
  const node = nodeProcess();
  if (node) return node.getBuiltinModule ? null : 'this Node has no process.getBuiltinModule (Node >= 20.16 is needed for worker threads)';
  if (typeof g.Worker === 'undefined') return 'this runtime has no Web Workers';
  return null;
}

function nodeWorkerSource(): string {
  // The loop's functions as source text: a Node worker evaluates this script (no file to resolve,
  // so it works from sources, tsx and a bundled CLI alike). `__name` covers a transpiler's
  // keep-names helper, should one appear in the functions' text.
  return [
    "const { parentPort } = require('node:worker_threads');",
    'var __name = (f) => f;',
    `const takeTasks = ${takeTasks.toString()};`,
    `const threadMain = ${threadMain.toString()};`,
    "parentPort.once('message', (d) => {",
    '  const instance = new WebAssembly.Instance(d.module, { env: { mem: d.memory } });',
    '  const rows = new WebAssembly.Instance(d.rowsModule, { env: { mem: d.memory } }).exports;',
    "  parentPort.postMessage('ready');",
    '  threadMain(new Int32Array(d.ctl), [instance.exports.kernel, rows.rows1, rows.rows2], d.layout, d.slot, takeTasks);',
    '});',
  ].join('\n');
}

let sharedModule: WebAssembly.Module | undefined;
let sharedRowsModule: WebAssembly.Module | undefined;
const sharedPackModules = new Map<number, WebAssembly.Module>();

function sharedPackModule(W: number): WebAssembly.Module {
  let m = sharedPackModules.get(W);
  if (!m) sharedPackModules.set(W, (m = new WebAssembly.Module(packPanelsWasm(W, true))));
  return m;
}

class ThreadPool {
  readonly memory: WebAssembly.Memory;
  readonly ctl: Int32Array;
  readonly MR = DEFAULT_MICRO_KERNEL.MR;
  readonly NR = 4 * DEFAULT_MICRO_KERNEL.NV;
  readonly ready: Promise<void>;
  readonly packA: PanelPacker;
  readonly packB: PanelPacker;
  private readonly callerKernels: KernelFn[];
  private readonly workers: Spawned[] = [];
  private failure: string | undefined;
  /** Workers that have compiled the kernel and are waiting for jobs. */
  running = 0;

  constructor(readonly threads: number) {
    // One module per process: its optimized code (V8 tiers a module up from a baseline compile as
    // it runs) is shared by every pool and worker that instantiates it.
    sharedModule ??= new WebAssembly.Module(matmulKernelWasm(DEFAULT_MICRO_KERNEL, true, relaxedSimdSupported()));
    const module = sharedModule;
    sharedRowsModule ??= new WebAssembly.Module(matmulRowsWasm(relaxedSimdSupported(), true));
    const rowsModule = sharedRowsModule;
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: SHARED_MAX_PAGES, shared: true });
    this.ctl = new Int32Array(new SharedArrayBuffer(CTL.LENGTH * 4));
    const rows = new WebAssembly.Instance(rowsModule, { env: { mem: this.memory } }).exports;
    this.callerKernels = [new WebAssembly.Instance(module, { env: { mem: this.memory } }).exports.kernel, rows.rows1, rows.rows2] as KernelFn[];
    this.packA = instantiatePacker(sharedPackModule(this.MR), this.memory);
    this.packB = instantiatePacker(sharedPackModule(this.NR), this.memory);
    const init = (slot: number) => ({ module, rowsModule, memory: this.memory, ctl: this.ctl.buffer, layout: CTL, slot });
    const started: Promise<void>[] = [];
    const node = nodeProcess();
    for (let slot = 1; slot < threads; slot++) {
      started.push(
        new Promise<void>((resolve) => {
          const fail = (e: unknown) => {
            this.failure ??= `a worker thread failed: ${e instanceof Error ? e.message : String(e)}`;
            resolve();
          };
          if (node) {
            const wt = node.getBuiltinModule!('node:worker_threads') as typeof NodeWorkerThreads;
            const w = new wt.Worker(nodeWorkerSource(), { eval: true, name: `cpu-thread-${slot}` });
            w.unref();
            w.once('message', () => {
              this.running++;
              resolve();
            });
            w.once('error', fail);
            w.postMessage(init(slot));
            this.workers.push(w);
          } else {
            const w = new Worker(new URL('./matmul-thread.worker.ts', import.meta.url), { type: 'module', name: `cpu-thread-${slot}` });
            w.onmessage = () => {
              this.running++;
              resolve();
            };
            w.onerror = (e) => fail(e.message);
            w.postMessage(init(slot));
            this.workers.push(w);
          }
        }),
      );
    }
    this.ready = Promise.all(started).then(() => undefined);
  }

  /** The job: every MR x NR tile of C = packed A (mPanels panels) x packed B (nPanels panels),
   * split into blocks of rows and columns that any thread may take. Synchronous. */
  readonly run: KernelFn = (ap, bp, cp, mPanels, nPanels, k, ldc) => {
    this.join(this.publish(ap, bp, cp, mPanels, nPanels, k, ldc));
  };

  /** Starts the job on the workers and returns its task count; the caller may do other work (on
   * memory the job does not touch) before join(). One job at a time. */
  publish(ap: number, bp: number, cp: number, mPanels: number, nPanels: number, k: number, ldc: number): number {
    const rowPanels = Math.max(1, Math.floor(TASK_ROWS / this.MR));
    const minColPanels = Math.ceil(MIN_TASK_MACS / (rowPanels * this.MR * this.NR * k));
    return this.publishJob(0, [ap, bp, cp, mPanels, nPanels, k, ldc], rowPanels, [k * this.MR * 4, k * this.NR * 4, this.MR * ldc * 4, this.NR * 4], TASKS_PER_THREAD, minColPanels);
  }

  /** A few-rows job: every row of A in each task (at most 16), B's groups of 4 rows split among
   * the tasks. */
  publishRows(ra: 1 | 2, ap: number, bp: number, cp: number, mGroups: number, nGroups: number, k4: number, ldc: number): number {
    return this.publishJob(ra, [ap, bp, cp, mGroups, nGroups, k4, ldc], mGroups, [ra * k4 * 16, 4 * k4 * 16, ra * ldc * 4, 16], ROWS_TASKS_PER_THREAD, 1);
  }

  /** Splits the job into rowBlocks x colBlocks tasks: about tasksPerThread per thread, each at
   * least minColPanels panels wide, at most MAX_TASKS in all. */
  private publishJob(kind: number, [ap, bp, cp, mPanels, nPanels, k, ldc]: number[], rowPanels: number, [aPanelBytes, bPanelBytes, cTileRowBytes, nrBytes]: number[], tasksPerThread: number, minColPanels: number): number {
    const c = this.ctl;
    const rowBlocks = Math.ceil(mPanels / rowPanels);
    const wanted = Math.ceil((tasksPerThread * this.threads) / rowBlocks);
    let colBlocks = Math.max(1, Math.min(nPanels, wanted, Math.ceil(nPanels / minColPanels), Math.floor(MAX_TASKS / rowBlocks)));
    const colPanels = Math.ceil(nPanels / colBlocks);
    colBlocks = Math.ceil(nPanels / colPanels);
    const total = rowBlocks * colBlocks;
    if (total > MAX_TASKS) throw new CpuThreadsError(`cpu threads: ${total} tasks in one job (at most ${MAX_TASKS}); use smaller row chunks`);
    const g = Atomics.load(c, CTL.GEN);
    Atomics.store(c, CTL.GEN, (g + 1) | 0); // odd: writing
    const params: [number, number][] = [
      [CTL.A, ap],
      [CTL.B, bp],
      [CTL.C, cp],
      [CTL.K, k],
      [CTL.LDC, ldc],
      [CTL.M_PANELS, mPanels],
      [CTL.N_PANELS, nPanels],
      [CTL.ROW_PANELS, rowPanels],
      [CTL.COL_PANELS, colPanels],
      [CTL.COL_BLOCKS, colBlocks],
      [CTL.TOTAL, total],
      [CTL.A_PANEL_BYTES, aPanelBytes],
      [CTL.B_PANEL_BYTES, bPanelBytes],
      [CTL.C_TILE_ROW_BYTES, cTileRowBytes],
      [CTL.NR_BYTES, nrBytes],
      [CTL.KIND, kind],
      [CTL.DONE, 0],
    ];
    for (const [slot, v] of params) Atomics.store(c, slot, v);
    const gen = (g + 2) | 0;
    Atomics.store(c, CTL.NEXT, ((gen >>> 1) & 0x7ffff) << 12);
    Atomics.store(c, CTL.GEN, gen);
    Atomics.notify(c, CTL.GEN);
    return total;
  }

  /** Takes the published job's remaining tiles on this thread, then waits until all are done. */
  join(total: number): void {
    const c = this.ctl;
    takeTasks(c, this.callerKernels, CTL, 0);
    for (;;) {
      const d = Atomics.load(c, CTL.DONE);
      if (d >= total) break;
      Atomics.wait(c, CTL.DONE, d);
    }
  }

  /** Tasks each thread ran since the pool started (slot 0: the calling thread). */
  worked(): number[] {
    return Array.from({ length: this.threads }, (_, i) => Atomics.load(this.ctl, CTL.WORKED + i));
  }

  failed(): string | undefined {
    return this.failure;
  }

  /** Marks the pool failed when some worker has not started by now (the caller gave up waiting). */
  requireStarted(): void {
    if (this.running < this.threads - 1) this.failure ??= `${this.threads - 1 - this.running} of ${this.threads - 1} worker threads did not start within ${READY_TIMEOUT_MS / 1000} s`;
  }

  stop(): void {
    Atomics.store(this.ctl, CTL.STOP, 1);
    Atomics.add(this.ctl, CTL.GEN, 2);
    Atomics.notify(this.ctl, CTL.GEN);
    for (const w of this.workers) w.terminate();
  }
}

let requested: number | 'auto' = 'auto';
let pool: ThreadPool | null = null;
let poolError: string | undefined;

/** Sets the cpu backend's thread count ('auto': every available core; 1: a single thread). */
export function setCpuThreads(n: number | 'auto'): void {
  if (n !== 'auto' && (!Number.isInteger(n) || n < 1)) throw new CpuThreadsError(`cpu threads: wants a whole number >= 1 or 'auto', got ${String(n)}`);
  if (n === requested) return;
  requested = n;
  shutdownCpuThreads();
}

function target(): { threads: number; available: number; reason?: string } {
  const available = availableCores();
  const want = Math.min(MAX_SLOTS, requested === 'auto' ? available : requested);
  if (want <= 1) return { threads: 1, available, reason: requested === 'auto' ? 'one core available' : undefined };
  const reason = unsupportedReason() ?? poolError;
  return reason ? { threads: 1, available, reason } : { threads: want, available };
}

export function cpuThreadInfo(): CpuThreadInfo {
  const t = target();
  const failure = pool?.failed();
  const info: CpuThreadInfo = { threads: failure ? 1 : t.threads, requested, available: t.available };
  if (failure ?? t.reason) info.reason = failure ?? t.reason;
  return info;
}

let singleDepth = 0;

/** Runs fn with every product on the calling thread, keeping the pool (benchmarks compare the two
 * side by side without restarting workers). */
export function onOneThread<T>(fn: () => T): T {
  singleDepth++;
  try {
    return fn();
  } finally {
    singleDepth--;
  }
}

/** The pool's kernel, or null when products run on one thread. Starts the pool on first use. */
export function threadedKernel(): ThreadedKernel | null {
  if (singleDepth > 0) return null;
  if (pool) return pool.failed() ? null : pool;
  const t = target();
  if (t.threads <= 1) return null;
  try {
    pool = new ThreadPool(t.threads);
  } catch (e) {
    poolError = `the thread pool could not start: ${e instanceof Error ? e.message : String(e)}`;
    return null;
  }
  return pool;
}

/** Starts the pool (where threads are on) and waits until its workers are running, so the first
 * timed products do not pay their start. Safe to call more than once. */
export async function startCpuThreads(): Promise<CpuThreadInfo> {
  const p = threadedKernel() ? pool : null;
  if (p) {
    // Never wait forever on a worker that neither starts nor fails: products work without it.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, READY_TIMEOUT_MS);
      (timer as { unref?: () => void }).unref?.();
    });
    await Promise.race([p.ready, late]);
    clearTimeout(timer);
    p.requireStarted();
  }
  return cpuThreadInfo();
}

/** Tasks each thread ran in the current pool (slot 0: the calling thread); [] without a pool. */
export function cpuThreadWork(): number[] {
  return pool ? pool.worked() : [];
}

/** Terminates the pool's workers; the next threaded product starts a new pool. */
export function shutdownCpuThreads(): void {
  pool?.stop();
  pool = null;
  poolError = undefined;
}
