// Finite-difference gradient check: compares the tape's gradient of L = sum(w * f(inputs)) (w
// seeded random weights, so every output element matters) with central differences of L, using
// Richardson extrapolation of two step sizes so the truncation error is O(h^4) and what remains is
// f32 rounding of the forward. Meant for the cpu backend (L is summed in f64 from f32 outputs).
import { shapeSize, type Backend, type DType, type Shape, type Tensor } from '../tensor';
import { Rng } from '../util/rng';
import { backward, noGrad } from './tape';
import { mul, sum } from './ops';

export interface GradcheckInput {
  data: Float32Array | Int32Array;
  shape: Shape;
  dtype?: DType;
  /** Whether to check this input's gradient (default: true for f32 inputs). */
  grad?: boolean;
}

export interface GradcheckOptions {
  /** Step size relative to max(1, |x|). */
  h?: number;
  /** |analytic - numeric| <= atol * max(1, max|numeric| of the input) + rtol * |numeric|. */
  atol?: number;
  rtol?: number;
  seed?: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Worst violation ratio |error| / allowed (ok when <= 1), per input. */
  worst: number[];
  messages: string[];
}

export async function gradcheck(
  be: Backend,
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly GradcheckInput[],
  options: GradcheckOptions = {},
): Promise<GradcheckResult> {
  const { h = 1e-2, atol = 1e-4, rtol = 1e-3, seed = 1 } = options;
  const make = (i: number, data: Float32Array | Int32Array) => {
    const inp = inputs[i];
    const t = be.fromData(data, inp.shape, inp.dtype ?? (data instanceof Int32Array ? 'i32' : 'f32'));
    t.requiresGrad = checked(i);
    return t;
  };
  const checked = (i: number) => inputs[i].grad ?? (inputs[i].dtype ?? (inputs[i].data instanceof Int32Array ? 'i32' : 'f32')) === 'f32';

  // Analytic gradients.
  const xs = inputs.map((inp, i) => make(i, inp.data));
  const y = f(...xs);
  const rng = new Rng(seed);
  const w = Float64Array.from(rng.float32(y.size, { uniform: [-1, 1] }));
  const wt = be.fromData(Float32Array.from(w), y.shape);
  backward(sum(mul(y, wt)));
  const analytic = await Promise.all(xs.map(async (x, i) => (checked(i) && x.grad ? Float64Array.from(await x.grad.data()) : null)));

  const loss = async (i: number, data: Float32Array): Promise<number> => {
    const args = inputs.map((inp, j) => (j === i ? be.fromData(data, inp.shape) : make(j, inp.data)));
    const out = await noGrad(() => f(...args)).data();
    let s = 0;
    for (let k = 0; k < out.length; k++) s += w[k] * out[k];
    return s;
  };

  const result: GradcheckResult = { ok: true, worst: [], messages: [] };
  for (let i = 0; i < inputs.length; i++) {
    if (!checked(i)) {
      result.worst.push(0);
      continue;
    }
    const base = Float32Array.from(inputs[i].data);
    const n = shapeSize(inputs[i].shape);
    const numeric = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const step = h * Math.max(1, Math.abs(base[j]));
      const at = async (d: number) => {
        const p = base.slice();
        p[j] = base[j] + d;
        // The step actually taken is what f32 can represent.
        return { l: await loss(i, p), d: p[j] - base[j] };
      };
      const [p1, m1, p2, m2] = [await at(step), await at(-step), await at(step / 2), await at(-step / 2)];
      const d1 = (p1.l - m1.l) / (p1.d - m1.d);
      const d2 = (p2.l - m2.l) / (p2.d - m2.d);
      numeric[j] = (4 * d2 - d1) / 3;
    }
    let scale = 1;
    for (const v of numeric) scale = Math.max(scale, Math.abs(v));
    const a = analytic[i];
    let worst = 0;
    for (let j = 0; j < n; j++) {
      const got = a ? a[j] : 0;
      const allowed = atol * scale + rtol * Math.abs(numeric[j]);
      const ratio = Math.abs(got - numeric[j]) / allowed;
      if (!(ratio <= worst)) worst = ratio;
      if (!(ratio <= 1) && result.messages.length < 8) {
        result.messages.push(`input ${i} [${j}]: analytic ${got}, numeric ${numeric[j]} (allowed ${allowed.toExponential(2)})`);
      }
    }
    result.worst.push(worst);
    if (!(worst <= 1)) result.ok = false;
  }
  return result;
}
