// The pairwise training loop every trained Stage-1 method shares (experiments' runner drives it,
// one arm at a time): seeded batch order per epoch, AdamW with clipping, metrics read back only at
// log intervals (TRL's names) with a NaN/Inf stop, periodic checkpoints, resume from a checkpoint,
// cooperative cancellation, and progress with time left. Each step runs inside `backend.guard`,
// so out-of-memory and validation failures on the GPU surface as typed errors naming the step.
import { backward } from '../autograd';
import type { PreferencePair } from '../data';
import { tidy, type Backend } from '../tensor';
import { fnv1a32 } from '../util/hash';
import { Rng } from '../util/rng';
import { yieldIfDue } from '../util/abort-point';
import { AdamW } from './adamw';
import { readMetrics } from './health';
import { restoreOptimizer, saveOptimizer, type SavedOptimizer } from './optimizer-state';
import type { PairModel } from './pair-model';

/** The loop's share of a run's training settings. */
export interface LoopSettings {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** Global gradient-norm clip; null for none. */
  clipNorm: number | null;
  /** Read back and log the metrics every this many steps (and at the last step). */
  logEvery: number;
}

/** One logged step: step, epoch and TRL's metric names (the shape of a run record's curve point). */
export type LogPoint = { step: number; epoch: number } & Record<string, number>;

/** Everything a resumed loop needs to continue the same trajectory. */
export interface LoopCheckpoint {
  /** Optimizer steps done; the run continues at step + 1. */
  step: number;
  totalSteps: number;
  params: Record<string, Float32Array>;
  optimizer: SavedOptimizer;
  curve: LogPoint[];
  savedAt: string;
}

export interface LoopHooks {
  signal?: AbortSignal;
  /** Called at each log interval with the logged point. */
  onLog?(point: LogPoint): void;
  /** Called after each step. */
  onStep?(step: number, totalSteps: number): void;
  /** Saves a checkpoint (every `checkpointEvery` steps and at the end). */
  checkpoint?(ck: LoopCheckpoint): Promise<void>;
  checkpointEvery?: number;
  /** Continue from this checkpoint instead of from scratch. */
  resume?: LoopCheckpoint | null;
  /** Throws when the device is gone (webgpu); checked between steps. */
  assertDevice?(): void;
}

export interface LoopResult {
  steps: number;
  curve: LogPoint[];
  /** Last logged metrics (TRL names). */
  final: Record<string, number>;
  resumedFrom: number;
}

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('The run was cancelled.');
  }
}

function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / Math.max(1, xs.length);
}

export function stepsFor(pairs: number, t: Pick<LoopSettings, 'epochs' | 'batchSize'>): { perEpoch: number; total: number } {
  const perEpoch = Math.max(1, Math.ceil(pairs / t.batchSize));
  return { perEpoch, total: Math.max(1, Math.ceil(t.epochs * perEpoch)) };
}

export async function trainLoop(be: Backend, model: PairModel, pairs: readonly PreferencePair[], t: LoopSettings, seed: number, hooks: LoopHooks = {}): Promise<LoopResult> {
  if (pairs.length === 0) throw new RangeError('No training pairs: check the split and the training pair kinds');
  const named = model.namedParameters();
  const opt = new AdamW(
    named.map(([, p]) => p),
    { lr: t.lr, weightDecay: t.weightDecay, clipNorm: t.clipNorm, lrScale: model.lrScales?.() },
  );
  const { perEpoch, total } = stepsFor(pairs.length, t);
  const curve: LogPoint[] = [];
  let start = 0;
  if (hooks.resume) {
    const ck = hooks.resume;
    if (ck.totalSteps !== total) throw new RangeError(`The checkpoint was made for ${ck.totalSteps} steps, this run has ${total}: the spec changed; start again`);
    for (const [name, p] of named) {
      const data = ck.params[name];
      if (!data || data.length !== p.size) throw new RangeError(`The checkpoint has no matching ${name}: the model changed; start again`);
      const src = be.fromData(data, p.shape);
      be.assign(p, src);
      src.dispose();
    }
    restoreOptimizer(opt, named, ck.optimizer);
    curve.push(...ck.curve);
    start = ck.step;
  }
  const orderOf = (epoch: number) => new Rng(fnv1a32(`${seed}:order:${epoch}`)).shuffle(pairs.map((_, i) => i));
  let order: number[] = [];
  let orderEpoch = -1;
  let final: Record<string, number> = {};

  const save = async (step: number) => {
    if (!hooks.checkpoint) return;
    const params: Record<string, Float32Array> = {};
    for (const [name, p] of named) params[name] = (await p.data()) as Float32Array;
    await hooks.checkpoint({ step, totalSteps: total, params, optimizer: await saveOptimizer(opt, named), curve: curve.slice(), savedAt: new Date().toISOString() });
  };

  try {
    for (let step = start + 1; step <= total; step++) {
      if (hooks.signal?.aborted) throw new CancelledError();
      hooks.assertDevice?.();
      const epoch = Math.floor((step - 1) / perEpoch);
      if (epoch !== orderEpoch) {
        order = orderOf(epoch);
        orderEpoch = epoch;
      }
      const within = (step - 1) % perEpoch;
      const batch = order.slice(within * t.batchSize, (within + 1) * t.batchSize).map((i) => pairs[i]);
      const rng = new Rng(fnv1a32(`${seed}:batch:${step}`));
      const logging = step % t.logEvery === 0 || step === total;
      await model.beforeStep?.(batch);
      const out = await be.guard(`training step ${step}`, () =>
        tidy(() => {
          const o = model.forward(batch, () => rng.next(), logging);
          backward(o.loss);
          opt.update();
          // Keep what the log needs past the scope; everything else is released.
          return { loss: o.loss, margins: o.margins, chosen: o.chosen ?? null, rejected: o.rejected ?? null, stats: o.stats ?? null };
        }),
      );
      const { loss, margins, chosen, rejected, stats } = out;
      try {
        // Reading back only at log steps keeps the GPU queue full in between; the logged point
        // describes the batch of that step.
        if (logging) {
          const l = (await readMetrics(step, { loss })).loss;
          const m = (await margins.data()) as Float32Array;
          const point: LogPoint = {
            step,
            epoch: step / perEpoch,
            loss: l,
            learning_rate: t.lr,
            grad_norm: opt.lastGradNorm ? await opt.lastGradNorm.item() : NaN,
            'rewards/accuracies': meanOf(Array.from(m, (x) => (x > 0 ? 1 : x === 0 ? 0.5 : 0))),
            'rewards/margins': meanOf(m),
          };
          if (chosen && rejected) {
            point['rewards/chosen'] = meanOf((await chosen.data()) as Float32Array);
            point['rewards/rejected'] = meanOf((await rejected.data()) as Float32Array);
          }
          if (stats && model.readStats) Object.assign(point, await model.readStats(stats));
          curve.push(point);
          final = { ...point };
          hooks.onLog?.(point);
        }
      } finally {
        loss.dispose();
        margins.dispose();
        chosen?.dispose();
        rejected?.dispose();
        stats?.dispose();
      }
      hooks.onStep?.(step, total);
      if (hooks.checkpointEvery && step % hooks.checkpointEvery === 0 && step < total) await save(step);
      await yieldIfDue();
    }
    await save(total);
    if (Object.keys(final).length === 0 && curve.length > 0) final = { ...curve[curve.length - 1] };
    return { steps: total, curve, final, resumedFrom: start };
  } finally {
    opt.dispose();
  }
}
