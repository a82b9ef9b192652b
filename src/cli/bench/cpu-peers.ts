// The cpu backend's thread and native ratios for `npm run bench`, each measured side by side in
// one run (interleaved rounds on the same inputs): our matmul on N threads against 1 thread, and
// against numpy's OpenBLAS sgemm at the same thread count (1 and N). The onnxruntime-web WASM
// ratio at N threads is in the cpu suite itself (matmul-bench-suite.ts).
import { benchInputs, interleave, ourCpuContender, relativeDifference, type Timing } from '../../bench/matmul-bench';
import type { RatioRow } from '../../bench/matmul-bench-suite';
import { onOneThread } from '../../tensor/cpu/thread-pool';
import { findNumpy, numpyContender } from './numpy-sgemm';

export const ratioThreads = (threads: number): string => `cpu backend ${threads} threads / 1 thread`;
export const ratioNumpy = (threads: number): string => `cpu backend / numpy sgemm, ${threads} thread${threads === 1 ? '' : 's'}`;

export const ratioNumpyCpuTime = 'cpu backend / numpy sgemm, 1 thread, per CPU-second (load-insensitive)';
export const ratioNumpyThreads = (threads: number): string => `numpy sgemm ${threads} threads / 1 thread (control)`;

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
  }
  return { ratios, notes };
}
