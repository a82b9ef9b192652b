// Comparison helpers of the kernel checks (./<op>.ts): GPU output against CPU reference, one
// CheckResult per (case, output). compareScaled holds errors to a tolerance scaled to the output's
// magnitude, so one rule fits inputs of magnitude 1e-3 and 1e4 alike; compareElementwise to a
// fixed atol + rtol * |cpu| per element.
import type { CheckResult } from './types';

export interface Tolerance {
  /** Relative to each element: |gpu - cpu| <= rtol * |cpu| + ... */
  rtol: number;
  /** ... + atol * max|cpu| over the whole output (cancellation makes small elements noisy). */
  atol: number;
  /** Replaces max|cpu| where the output is a difference of larger terms (a gradient that cancels). */
  scale?: number;
}

export function describeTolerance(t: Tolerance): string {
  const scale = t.scale === undefined ? 'max|cpu|' : t.scale.toExponential(2);
  return `|gpu - cpu| <= ${t.rtol.toExponential(1)} * |cpu| + ${t.atol.toExponential(1)} * ${scale}`;
}

export function compareScaled(
  kernel: string,
  caseName: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): CheckResult {
  const tolerance = describeTolerance(tol);
  if (actual.length !== expected.length) return { kernel, case: caseName, ok: false, maxAbsError: Infinity, tolerance };
  let scale = tol.scale ?? 0;
  if (tol.scale === undefined) scale = maxAbs(expected);
  let ok = true;
  let maxAbsError = 0;
  for (let i = 0; i < expected.length; i++) {
    // Equal values (infinities included) are exact; NaN fails unless both are NaN there.
    const err = actual[i] === expected[i] ? 0 : Math.abs(actual[i] - expected[i]);
    const bothNaN = Number.isNaN(actual[i]) && Number.isNaN(expected[i]);
    if (!bothNaN && !(err <= tol.rtol * Math.abs(expected[i]) + tol.atol * scale + 1e-30)) ok = false;
    if (!bothNaN && !(err <= maxAbsError)) maxAbsError = err;
  }
  return { kernel, case: caseName, ok, maxAbsError, tolerance };
}

/** compareScaled for each named output: {y: [gpu, cpu], ...}. */
export function compareOutputs(
  kernel: string,
  caseName: string,
  outputs: Record<string, readonly [ArrayLike<number>, ArrayLike<number>]>,
  tol: Tolerance | Record<string, Tolerance>,
): CheckResult[] {
  return Object.entries(outputs).map(([name, [actual, expected]]) => {
    const t = 'rtol' in tol ? (tol as Tolerance) : (tol as Record<string, Tolerance>)[name];
    return compareScaled(kernel, `${caseName}: ${name}`, actual, expected, t);
  });
}

/** max |a[i]| over the finite elements (NaN and infinities are compared exactly, not scaled). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** |gpu - cpu| <= atol + rtol * |cpu| per element; NaN anywhere fails. `what` replaces the tolerance's wording. */
export function compareElementwise(
  kernel: string,
  caseName: string,
  actual: Float32Array,
  expected: Float32Array,
  atol: number,
  rtol: number,
  what = '',
): CheckResult {
  let ok = actual.length === expected.length;
  let maxAbsError = ok ? 0 : Infinity;
  for (let i = 0; ok && i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + rtol * Math.abs(expected[i]))) ok = false;
    if (!(err <= maxAbsError)) maxAbsError = err;
  }
  return { kernel, case: caseName, ok, maxAbsError, tolerance: what || `|gpu - cpu| <= ${atol.toExponential(1)} + ${rtol.toExponential(1)} * |cpu|` };
}
