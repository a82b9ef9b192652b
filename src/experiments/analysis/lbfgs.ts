// A small L-BFGS minimizer on Float64Array parameters, for the analysis models (a few thousand to
// a few hundred thousand parameters, full-batch, smooth losses): plain host math is faster here
// than the tensor engine on the CPU and deterministic. Backtracking (Armijo) line search; stops
// on a small gradient, a small relative decrease, or the iteration cap.

/** Returns the objective and writes its gradient into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations?: number;
  /** History length. */
  memory?: number;
  /** Stop when max |grad| falls below this. */
  gradTol?: number;
  /** Stop when (f_prev - f) / max(1, |f|) falls below this. */
  relTol?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export class NonFiniteObjectiveError extends Error {
  override name = 'NonFiniteObjectiveError';
}

/** Minimizes `f` from `x0` (not modified). */
export function lbfgs(f: Objective, x0: Float64Array, o: LbfgsOptions = {}): LbfgsResult {
  const maxIter = o.maxIterations ?? 200;
  const m = o.memory ?? 8;
  const gradTol = o.gradTol ?? 1e-6;
  const relTol = o.relTol ?? 1e-9;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  if (!Number.isFinite(fx)) throw new NonFiniteObjectiveError(`objective is ${fx} at the start point`);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const alpha = new Float64Array(m);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let it = 0;
  for (; it < maxIter; it++) {
    if (maxAbs(g) < gradTol) return { x, f: fx, iterations: it, converged: true };
    // Two-loop recursion: dir = -H g.
    dir.set(g);
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], dir);
      const y = Y[j];
      for (let i = 0; i < n; i++) dir[i] -= alpha[j] * y[i];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < n; i++) dir[i] *= gamma;
    } else {
      // First step: a unit-length move along the gradient.
      const norm = Math.sqrt(dot(g, g)) || 1;
      for (let i = 0; i < n; i++) dir[i] /= norm;
    }
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j] * dot(Y[j], dir);
      const s = S[j];
      for (let i = 0; i < n; i++) dir[i] += s[i] * (alpha[j] - beta);
    }
    for (let i = 0; i < n; i++) dir[i] = -dir[i];
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (curvature went wrong): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i];
      slope = -dot(g, g);
    }
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * dir[i];
      fNew = f(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx)) return { x, f: fx, iterations: it, converged: true };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const decrease = (fx - fNew) / Math.max(1, Math.abs(fNew));
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (decrease < relTol) return { x, f: fx, iterations: it + 1, converged: true };
  }
  return { x, f: fx, iterations: it, converged: false };
}
