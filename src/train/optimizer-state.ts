// Saving and restoring AdamW's state (step count, first and second moments) for checkpoints, so a
// resumed run continues the same trajectory instead of restarting the moments from zero.
// ./adamw.ts exposes the moments (`moments(p)`) and the step but no setter; until it grows
// one, restoring goes through `AdamWInternals` below, the one place that knows its field names.
import { keep, type Tensor } from '../tensor';
import type { AdamW } from './adamw';

export interface SavedOptimizer {
  step: number;
  /** Per parameter name: its moments, or absent when the parameter never had a gradient. */
  moments: Record<string, { m: Float32Array; v: Float32Array }>;
}

interface AdamWInternals {
  state: Map<Tensor, { m: Tensor; v: Tensor }>;
  stepCount: number;
}

export async function saveOptimizer(opt: AdamW, named: ReadonlyArray<[string, Tensor]>): Promise<SavedOptimizer> {
  const moments: SavedOptimizer['moments'] = {};
  for (const [name, p] of named) {
    const slot = opt.moments(p);
    if (slot) moments[name] = { m: (await slot.m.data()) as Float32Array, v: (await slot.v.data()) as Float32Array };
  }
  return { step: opt.step, moments };
}

export class OptimizerStateError extends Error {
  override name = 'OptimizerStateError';
}

export function restoreOptimizer(opt: AdamW, named: ReadonlyArray<[string, Tensor]>, saved: SavedOptimizer): void {
  const internals = opt as unknown as AdamWInternals;
  if (!(internals.state instanceof Map) || typeof internals.stepCount !== 'number') {
    throw new OptimizerStateError('This AdamW cannot be restored from a checkpoint (its internals changed); start the run again.');
  }
  for (const [name, p] of named) {
    const s = saved.moments[name];
    if (!s) continue;
    if (s.m.length !== p.size || s.v.length !== p.size) throw new OptimizerStateError(`Checkpoint moments of ${name} have ${s.m.length} values, the parameter ${p.size}`);
    internals.state.get(p)?.m.dispose();
    internals.state.get(p)?.v.dispose();
    internals.state.set(p, { m: keep(p.backend.fromData(s.m, p.shape)), v: keep(p.backend.fromData(s.v, p.shape)) });
  }
  internals.stepCount = saved.step;
}
