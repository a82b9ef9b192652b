// Finite-difference checks of CPU backward references. The loss is L = sum(out * R) for a fixed
// random R (so dL/dout = R is what the backward is given); the numerical gradient of L with
// respect to sampled input elements, by central differences, must match the analytic gradient.
import { Rng } from '../../src/util/rng';

export interface FdResult {
  /** Worst |numeric - analytic| over the sampled elements, relative to max|analytic| of that input. */
  worst: number;
  where: string;
  checked: number;
}

/**
 * `loss` reads the (possibly perturbed) inputs and returns L in f64. `analytic[name]` is dL/d(name).
 * Each input has up to `samples` elements perturbed by ±h (relative to the input's scale when
 * `relativeStep`). Returns the worst error over all inputs.
 */
export function finiteDiff(
  inputs: Record<string, Float32Array>,
  analytic: Record<string, Float32Array>,
  loss: () => number,
  options: { h?: number; samples?: number; seed?: number; relativeStep?: boolean } = {},
): FdResult {
  const { h = 1e-2, samples = 24, seed = 7, relativeStep = false } = options;
  const rng = new Rng(seed);
  let worst = 0;
  let where = '';
  let checked = 0;
  for (const [name, grad] of Object.entries(analytic)) {
    const x = inputs[name];
    if (!x) throw new Error(`finiteDiff: no input named ${name}`);
    if (x.length !== grad.length) throw new Error(`finiteDiff: ${name} has ${x.length} elements, gradient ${grad.length}`);
    let scale = 0;
    for (const g of grad) scale = Math.max(scale, Math.abs(g));
    let xScale = 0;
    for (const v of x) xScale = Math.max(xScale, Math.abs(v));
    const step = relativeStep ? h * Math.max(xScale, 1e-30) : h;
    const idx = x.length <= samples ? [...x.keys()] : Array.from({ length: samples }, () => rng.int(x.length));
    for (const i of idx) {
      const keep = x[i];
      x[i] = keep + step;
      const up = x[i] - keep; // the step actually taken after f32 rounding
      const lp = loss();
      x[i] = keep - step;
      const down = keep - x[i];
      const lm = loss();
      x[i] = keep;
      const numeric = (lp - lm) / (up + down);
      const err = Math.abs(numeric - grad[i]) / Math.max(scale, 1e-30);
      checked++;
      if (err > worst || Number.isNaN(err)) {
        worst = Number.isNaN(err) ? Infinity : err;
        where = `${name}[${i}]: numeric ${numeric}, analytic ${grad[i]}`;
      }
    }
  }
  return { worst, where, checked };
}

/** sum(out * r) in f64. */
export function dot(out: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * r[i];
  return s;
}
