// Kernel checks: each compares a WebGPU kernel with its CPU reference on seeded random inputs at
// several sizes (including non-multiples of the workgroup size) and extreme values. The same
// checks run in Node on Dawn (tests/gpu) and in the browser (the GPU panel's self-test, in the runner worker).
import type { GpuContext } from '../gpu';
import { Rng } from '../util/rng';
import { CORE_CHECKS } from './kernels/core-checks';
import { matmulCheck } from './kernels/matmul-check';
import { TRANSFORMER_CHECKS } from './kernels/checks-transformer';
import { saxpyCpu, saxpyGpu } from './kernels/saxpy';

export interface CheckResult {
  kernel: string;
  case: string;
  ok: boolean;
  maxAbsError: number;
  /** The tolerance the case was held to, in words. */
  tolerance: string;
}

export interface KernelCheck {
  kernel: string;
  run(ctx: GpuContext, options?: { shaderCode?: string }): Promise<CheckResult[]>;
}

/** Worst |actual - expected| and whether every element is within atol + rtol * |expected|. */
export function compareArrays(
  actual: Float32Array,
  expected: Float32Array,
  atol: number,
  rtol: number,
): { ok: boolean; maxAbsError: number } {
  if (actual.length !== expected.length) return { ok: false, maxAbsError: Infinity };
  let ok = true;
  let maxAbsError = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + rtol * Math.abs(expected[i]))) ok = false; // NaN fails too
    if (!(err <= maxAbsError)) maxAbsError = err;
  }
  return { ok, maxAbsError };
}

export const saxpyCheck: KernelCheck = {
  kernel: 'saxpy',
  async run(ctx, options = {}) {
    const rng = new Rng(1234);
    // f32 rounding of a*x then +y: GPUs may fuse the multiply-add, so allow a few ulps.
    const rtol = 4 * 2 ** -23;
    const tolerance = `|gpu - cpu| <= ${rtol.toExponential(1)} * |cpu| + 1e-30`;
    const cases: Array<[string, number, Float32Array, Float32Array]> = [];
    for (const n of [1, 7, 255, 256, 257, 4099, 65_537]) {
      cases.push([`n=${n}`, rng.uniform(-3, 3), rng.float32(n), rng.float32(n)]);
    }
    cases.push(['extreme: |x| ~ 1e30', 2.5, rng.float32(1000, { uniform: [-1e30, 1e30] }), rng.float32(1000, { uniform: [-1e30, 1e30] })]);
    cases.push(['extreme: |x| ~ 1e-30', -0.75, rng.float32(1000, { uniform: [-1e-30, 1e-30] }), rng.float32(1000)]);
    const results: CheckResult[] = [];
    for (const [name, a, x, y] of cases) {
      const expected = saxpyCpu(a, x, y);
      const actual = await saxpyGpu(ctx, a, x, y, options.shaderCode);
      // Cancellation in a*x + y makes the relative error of the sum unbounded; scale by the terms.
      let ok = true;
      let maxAbsError = 0;
      for (let i = 0; i < x.length; i++) {
        const err = Math.abs(actual[i] - expected[i]);
        const scale = Math.abs(Math.fround(a) * x[i]) + Math.abs(y[i]);
        if (!(err <= rtol * scale + 1e-30)) ok = false;
        if (!(err <= maxAbsError)) maxAbsError = err;
      }
      results.push({ kernel: 'saxpy', case: name, ok, maxAbsError, tolerance });
    }
    return results;
  },
};

export const KERNEL_CHECKS: KernelCheck[] = [saxpyCheck, matmulCheck, ...CORE_CHECKS, ...TRANSFORMER_CHECKS];
