// The cpu backend's thread and native ratios for `npm run bench`, each measured side by side in
// one run (interleaved rounds on the same inputs): our matmul on N threads against 1 thread, and
// against numpy's OpenBLAS sgemm at the same thread count (1 and N). The onnxruntime-web WASM
// ratio at N threads is in the cpu suite itself (matmul-bench-suite.ts). And the limit of 128-bit
// WASM SIMD on this CPU: a loop of register-only multiply-adds doing the product's flops
// (src/tensor/cpu/fma-ceiling-wasm.ts), interleaved with our 1-thread product and numpy's, so the
// run says what share of that ceiling we reach and what share of native sgemm the ceiling is.
import { benchInputs, interleave, ourCpuContender, relativeDifference, type Runner, type Timing } from '../../bench/matmul-bench';
import type { RatioRow } from '../../bench/matmul-bench-suite';
import { CEILING_FLOPS_PER_ITERATION, fmaCeilingWasm } from '../../tensor/cpu/fma-ceiling-wasm';
import { relaxedSimdSupported } from '../../tensor/cpu/matmul-fast-wasm';
import { onOneThread } from '../../tensor/cpu/thread-pool';
import { matmulFlops } from '../../tensor/kernels/matmul';
import { findNumpy, numpyContender } from './numpy-sgemm';

export const ratioThreads = (threads: number): string => `cpu backend ${threads} threads / 1 thread`;
export const ratioNumpy = (threads: number): string => `cpu backend / numpy sgemm, ${threads} thread${threads === 1 ? '' : 's'}`;

export const ratioNumpyCpuTime = 'cpu backend / numpy sgemm, 1 thread, per CPU-second (load-insensitive)';
export const ratioNumpyThreads = (threads: number): string => `numpy sgemm ${threads} threads / 1 thread (control)`;
export const ratioCeiling = 'cpu backend / WASM SIMD FMA ceiling, 1 thread';
export const ratioCeilingNumpy = 'WASM SIMD FMA ceiling / numpy sgemm, 1 thread';
export const ratioCeilingCpuTime = 'cpu backend / WASM SIMD FMA ceiling, 1 thread, per CPU-second';
export const ratioCeilingNumpyCpuTime = 'WASM SIMD FMA ceiling / numpy sgemm, 1 thread, per CPU-second';

/** The ceiling loop doing as many flops as one n x n x n product, per run; `cpuMs` gets each
 * run's process CPU time per product (this thread only runs then). */
function ceilingContender(n: number, cpuMs: number[]): Runner {
  const run = new WebAssembly.Instance(new WebAssembly.Module(fmaCeilingWasm(relaxedSimdSupported()))).exports.run as (iterations: number) => number;
  const iterations = Math.ceil(matmulFlops(square(n)) / CEILING_FLOPS_PER_ITERATION);
  let sink = 0;
  return async (times) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < times; i++) sink += run(iterations);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000 / times);
    if (Number.isNaN(sink)) throw new Error('bench: the FMA ceiling loop gave NaN');
    return ms;
  };
}

export interface CpuPeerOptions {
  sizes: number[];
  threads: number;
  reps: number;
  budgetMs: number;
  numpy: boolean;
  log: (line: string) => void;
}

function square(n: number) {
  return { batch: 1, m: n, n, k: n };
}

/** Ratio rows and notes (numpy's version, or why it is skipped). */
export async function runCpuPeers(o: CpuPeerOptions): Promise<{ ratios: RatioRow[]; notes: string[] }> {
  const ratios: RatioRow[] = [];
  const notes: string[] = [];
  const found = o.numpy ? findNumpy() : { missing: '--no-peers was given' };
  if ('info' in found) notes.push(`numpy ${found.info.version} (${found.info.python}; BLAS ${found.info.blas || 'unknown'})`);
  else notes.push(`numpy sgemm lines skipped: ${found.missing}`);
  for (const n of o.sizes) {
    const shape = square(n);
    const ours = await ourCpuContender(shape);
    // ours.run does all its products before it first awaits, so they all run inside onOneThread.
    // CPU time of each 1-thread run per product: on a busy machine it is what an idle core gives.
    const oursCpuMs: number[] = [];
    const one = async (times: number) => {
      const c0 = process.cpuUsage();
      const ms = await onOneThread(() => ours.run(times));
      const c = process.cpuUsage(c0);
      oursCpuMs.push((c.user + c.system) / 1000 / times);
      return ms;
    };
    const row = (name: string, t: Record<string, Timing>, difference: number): RatioRow => ({ name, size: n, ratio: t.theirs.bestMs / t.ours.bestMs, ours: t.ours, theirs: t.theirs, difference });
    if (o.threads > 1) {
      const t = await interleave({ ours: ours.run, theirs: one }, o);
      ratios.push(row(ratioThreads(o.threads), t, 0));
      o.log(`cpu ${n}: ${o.threads} threads ${t.ours.bestMs.toFixed(1)} ms, 1 thread ${t.theirs.bestMs.toFixed(1)} ms`);
    }
    if ('info' in found) {
      const { a, b } = benchInputs(shape);
      const numpyTimes: Timing[] = [];
      for (const threads of o.threads > 1 ? [1, o.threads] : [1]) {
        const np = numpyContender(found.info, n, a, b, threads);
        try {
          const mine = threads === 1 ? one : ours.run;
          oursCpuMs.length = 0;
          const t = await interleave({ ours: mine, theirs: np.run }, o);
          ratios.push(row(ratioNumpy(threads), t, relativeDifference(await ours.result(), np.result())));
          numpyTimes.push(t.theirs);
          if (threads === 1) {
            // The warm-up runs are the first of each list; the timed rounds follow.
            const cpu = (xs: number[]): Timing => ({ ...t.ours, bestMs: Math.min(...xs.slice(1)), medianMs: NaN, runs: xs.length - 1 });
            ratios.push(row(ratioNumpyCpuTime, { ours: cpu(oursCpuMs), theirs: cpu(np.cpuMs) }, 0));
          }
          o.log(`cpu ${n}, ${threads} thread(s): ours ${t.ours.bestMs.toFixed(1)} ms, numpy ${t.theirs.bestMs.toFixed(1)} ms`);
        } finally {
          np.destroy();
        }
      }
      // The control: native BLAS's own gain from threads in this run (about 2 on idle cores; near 1
      // or below when the machine is busy, and then ours cannot show it either).
      if (numpyTimes.length === 2) ratios.push(row(ratioNumpyThreads(o.threads), { ours: numpyTimes[1], theirs: numpyTimes[0] }, 0));
    }
    // The ceiling does the product's flops, so time ratios are rate ratios.
    const ceilingCpuMs: number[] = [];
    const ceiling = ceilingContender(n, ceilingCpuMs);
    const inputs = benchInputs(shape);
    const np = 'info' in found ? numpyContender(found.info, n, inputs.a, inputs.b, 1) : null;
    try {
      oursCpuMs.length = 0;
      const t = await interleave({ ours: one, ceiling, ...(np ? { numpy: np.run } : {}) }, o);
      ratios.push(row(ratioCeiling, { ours: t.ours, theirs: t.ceiling }, 0));
      if (np) ratios.push(row(ratioCeilingNumpy, { ours: t.ceiling, theirs: t.numpy }, 0));
      const cpu = (xs: number[]): Timing => ({ ...t.ours, bestMs: Math.min(...xs.slice(1)), medianMs: NaN, runs: xs.length - 1 });
      ratios.push(row(ratioCeilingCpuTime, { ours: cpu(oursCpuMs), theirs: cpu(ceilingCpuMs) }, 0));
      if (np) ratios.push(row(ratioCeilingNumpyCpuTime, { ours: cpu(ceilingCpuMs), theirs: cpu(np.cpuMs) }, 0));
      const gf = (x: Timing) => (matmulFlops(shape) / x.bestMs / 1e6).toFixed(1);
      o.log(`cpu ${n}, 1 thread: ours ${gf(t.ours)} GFLOP/s, WASM SIMD FMA ceiling ${gf(t.ceiling)}${np ? `, numpy ${gf(t.numpy)}` : ''}`);
    } finally {
      np?.destroy();
    }
  }
  return { ratios, notes };
}
