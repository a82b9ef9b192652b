// Run health at the log interval: read the step's metrics back once, and stop a run whose loss
// (or gradient norm) went NaN or infinite with a named error instead of training on garbage.
import type { Tensor } from '../tensor';

export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    readonly metric: string,
    readonly value: number,
    readonly step: number,
  ) {
    super(
      `Training stopped at step ${step}: ${metric} is ${value}. ` +
        'Lower the learning rate, enable gradient clipping, or check the data for empty or corrupt rows.',
    );
  }
}

/** Throws NonFiniteLossError if `value` is NaN or infinite. */
export function assertFinite(metric: string, value: number, step: number): number {
  if (!Number.isFinite(value)) throw new NonFiniteLossError(metric, value, step);
  return value;
}

/**
 * Reads one-element metric tensors (the only readback of a step; call at log intervals), checks
 * each is finite, and returns them as numbers.
 */
export async function readMetrics<K extends string>(step: number, metrics: Record<K, Tensor>): Promise<Record<K, number>> {
  const out = {} as Record<K, number>;
  for (const [k, t] of Object.entries(metrics) as Array<[K, Tensor]>) out[k] = assertFinite(k, await t.item(), step);
  return out;
}
