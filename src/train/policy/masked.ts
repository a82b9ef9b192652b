// Masked statistics over [B, T] host arrays (mask 1 for response tokens, 0 elsewhere), in f64, as
// TRL's core helpers: masked_mean, masked_var (unbiased by default: Bessel's n/(n-1) on the masked
// count) and masked_whiten ((x - mean) / sqrt(var + 1e-8), the mean added back when shiftMean is
// false). Not differentiated: PPO whitens advantages and rewards, which are constants of the loss.
import { ensure } from './errors';

export type Values = ArrayLike<number>;

function checkSizes(what: string, x: Values, mask: Values): void {
  ensure(x.length === mask.length, `${what}: ${x.length} values for a mask of ${mask.length}`);
}

export function maskedCount(mask: Values): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

export function maskedMean(x: Values, mask: Values): number {
  checkSizes('maskedMean', x, mask);
  const n = maskedCount(mask);
  ensure(n > 0, 'maskedMean: the mask selects no tokens');
  let s = 0;
  for (let i = 0; i < x.length; i++) if (mask[i] !== 0) s += x[i] * mask[i];
  return s / n;
}

export function maskedVar(x: Values, mask: Values, unbiased = true): number {
  const mean = maskedMean(x, mask);
  const n = maskedCount(mask);
  let s = 0;
  for (let i = 0; i < x.length; i++) if (mask[i] !== 0) s += (x[i] - mean) ** 2 * mask[i];
  let v = s / n;
  if (unbiased) {
    ensure(n > 1, `maskedVar: the unbiased variance needs at least 2 masked tokens, got ${n} (use a larger minibatch)`);
    v *= n / (n - 1);
  }
  return v;
}

/** Whitened values; masked-out positions get the same transform (callers zero them as TRL does). */
export function maskedWhiten(x: Values, mask: Values, shiftMean = true): Float64Array {
  const mean = maskedMean(x, mask);
  const inv = 1 / Math.sqrt(maskedVar(x, mask) + 1e-8);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean) * inv + (shiftMean ? 0 : mean);
  return out;
}
