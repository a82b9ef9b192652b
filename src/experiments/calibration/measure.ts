// Measures one backend for "Auto": a few real training steps of the features reward model (the
// science presets' model, batch 128, 16 dims, on a small built-in world), where per-step overhead
// decides, and a 256×256×256 matmul, where throughput decides (language-model arms). Each after a
// warm-up (pipeline compiles, buffer pool), timed to completion (webgpu: submitted and finished),
// within a time budget so a slow adapter costs a second or two, not minutes.
import { backward, matmul } from '../../autograd';
import type { BackendTiming } from '../../protocol/backend';
import type { ExperimentSpec } from '../../protocol/spec';
import { tidy, type Backend } from '../../tensor';
import { fastMatmulUsesWasm } from '../../tensor/cpu/matmul-fast';
import { AdamW } from '../../train';
import { Rng } from '../../util/rng';
import { buildPredictor } from '../methods';
import { loadBuiltin, prepare, trainingPairs, type Prepared } from '../prepare';
import { isTrainable } from '../scorers/scorer';
import { expandArms } from '../spec/expand';
import { parseSpec } from '../spec/validate';

/** The calibration's workload: the headline preset's conditional arm on a small world. */
export const CALIBRATION_SPEC: unknown = {
  name: 'backend calibration',
  seed: 1,
  data: { source: 'builtin', personas: 40, questionsPerPersona: 24 },
  arms: [
    {
      label: 'conditional',
      method: { kind: 'reward-model', loss: 'bradley-terry' },
      subset: { kind: 'preset', name: 'all' },
      model: { kind: 'features', dims: 16 },
      train: { epochs: 1, batchSize: 128, lr: 0.001 },
    },
  ],
};

const MATMUL_N = 256;

export interface MeasureOptions {
  /** Timed repetitions per workload at most (default 3). */
  reps?: number;
  /** Stop repeating a workload after this many milliseconds (at least one timed rep; default 500). */
  budgetMs?: number;
}

/** The calibration's data, prepared once and shared by both backends (preparing is CPU work). */
export async function calibrationData(): Promise<{ spec: ExperimentSpec; prep: Prepared }> {
  const spec = parseSpec(CALIBRATION_SPEC);
  return { spec, prep: await prepare(spec, loadBuiltin) };
}

/** Times `fn` once to warm up, then up to `reps` times within `budgetMs`; the median. */
async function timed(fn: () => Promise<void>, reps: number, budgetMs: number): Promise<number> {
  await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < reps && (times.length === 0 || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function stepMs(be: Backend, data: { spec: ExperimentSpec; prep: Prepared }, reps: number, budgetMs: number): Promise<number> {
  const arm = expandArms(data.spec)[0];
  const train = trainingPairs(data.prep, arm.train, 1);
  const unavailable = () => Promise.reject(new Error('the calibration uses no language model'));
  const model = await buildPredictor({ be, prep: data.prep, arm, seed: 1, train, lm: unavailable, freshLm: unavailable });
  if (!isTrainable(model)) throw new TypeError('the calibration arm must be trainable');
  const opt = new AdamW(
    model.namedParameters().map(([, p]) => p),
    { lr: arm.train.lr, weightDecay: arm.train.weightDecay, clipNorm: arm.train.clipNorm },
  );
  const size = arm.train.batchSize;
  const batches = Math.max(1, Math.floor(train.length / size));
  let step = 0;
  try {
    return await timed(
      async () => {
        const batch = train.slice((step % batches) * size, (step % batches) * size + size);
        const rng = new Rng(step++);
        await model.beforeStep?.(batch);
        await be.guard('calibration step', () =>
          tidy(() => {
            const o = model.forward(batch, () => rng.next(), false);
            backward(o.loss);
            opt.update();
          }),
        );
        be.flush();
        await be.sync();
      },
      reps,
      budgetMs,
    );
  } finally {
    opt.dispose();
    model.dispose();
  }
}

async function matmulGflops(be: Backend, reps: number, budgetMs: number): Promise<number> {
  const rng = new Rng(5);
  const a = be.fromData(rng.float32(MATMUL_N * MATMUL_N, { normal: 1 }), [MATMUL_N, MATMUL_N]);
  const b = be.fromData(rng.float32(MATMUL_N * MATMUL_N, { normal: 1 }), [MATMUL_N, MATMUL_N]);
  try {
    const ms = await timed(
      async () => {
        const c = tidy(() => matmul(a, b));
        be.flush();
        await be.sync();
        c.dispose();
      },
      reps,
      budgetMs,
    );
    return (2 * MATMUL_N ** 3) / (ms * 1e6);
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** Both numbers for one backend; `detail` names what computes (the adapter for webgpu). */
export async function measureBackend(be: Backend, data: { spec: ExperimentSpec; prep: Prepared }, detail: string | null, o: MeasureOptions = {}): Promise<BackendTiming> {
  const reps = o.reps ?? 3;
  const budgetMs = o.budgetMs ?? 500;
  const step = await stepMs(be, data, reps, budgetMs);
  const gflops = await matmulGflops(be, reps, budgetMs);
  return { stepMs: step, matmulGflops: gflops, detail: detail ?? (fastMatmulUsesWasm() ? 'WebAssembly SIMD matmul' : 'JavaScript matmul (no WebAssembly SIMD here)') };
}
