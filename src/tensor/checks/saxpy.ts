// The saxpy KernelCheck: the first kernel against its CPU reference on sizes around the workgroup
// size, 65537 elements (a 2-D grid), and magnitudes 1e30 and 1e-30. Registered in ./index.ts.
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import type { KernelOptions } from '../kernels/kernel-support';
import { checkSaxpyLengths, encodeSaxpy, saxpyCpu } from '../kernels/saxpy';
import { runKernel } from './run-kernel';
import type { CheckResult, KernelCheck } from './types';

/** Upload, encode, submit, read back: the check's (and tests') way to run the kernel once. */
export async function saxpyGpu(ctx: GpuContext, a: number, x: Float32Array, y: Float32Array, options: KernelOptions = {}): Promise<Float32Array> {
  checkSaxpyLengths(x, y);
  const n = x.length;
  if (n === 0) return new Float32Array(0);
  const r = await runKernel(ctx, 'saxpy', { x, y }, { out: n }, (enc, b) => encodeSaxpy(ctx, enc, b.x, b.y, b.out, { n, a }, options));
  return r.out;
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
      const actual = await saxpyGpu(ctx, a, x, y, options);
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
