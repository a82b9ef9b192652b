// The cpu backend's AdamW update, in place, following torch.optim.AdamW's single-tensor step:
// decoupled weight decay, then the moments, then the bias-corrected update. Per element in f64,
// stored as f32. `gradScale` (global-norm clipping) multiplies the gradient first.
import type { AdamWHyper } from '../backend';
import { ShapeError } from '../tensor';

export function adamwStepCpu(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  h: AdamWHyper,
  gradScale = 1,
): void {
  const n = param.length;
  if (grad.length !== n || m.length !== n || v.length !== n) {
    throw new ShapeError(`adamw: param [${n}], grad [${grad.length}], m [${m.length}] and v [${v.length}] must match`);
  }
  if (!(h.step >= 1)) throw new RangeError(`adamw: step must be >= 1 (1-based, for bias correction), got ${h.step}`);
  const decay = 1 - h.lr * h.weightDecay;
  const bc1 = 1 - h.beta1 ** h.step;
  const bc2Sqrt = Math.sqrt(1 - h.beta2 ** h.step);
  const stepSize = h.lr / bc1;
  for (let i = 0; i < n; i++) {
    const g = grad[i] * gradScale;
    const mi = h.beta1 * m[i] + (1 - h.beta1) * g;
    const vi = h.beta2 * v[i] + (1 - h.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = param[i] * decay - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + h.eps);
  }
}
