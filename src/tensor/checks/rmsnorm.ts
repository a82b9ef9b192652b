// The rmsnorm KernelCheck: forward and backward on Dawn/the browser's GPU against the CPU reference,
// on seeded random rows of several widths (ragged against the workgroup size, a 4096-wide row) and
// extreme magnitudes. Registered in ./index.ts.
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import type { CheckResult, KernelCheck } from './types';
import { compareOutputs, maxAbs, type Tolerance } from './compare';
import type { KernelOptions } from '../kernels/kernel-support';
import { runKernel } from './run-kernel';
import { encodeRmsnorm, encodeRmsnormBackward, rmsnormBackwardCpu, rmsnormCpu, type RmsnormShape } from '../kernels/rmsnorm';

// f32 sums of C squares and products: a few ulps times sqrt(C) relative to the row's scale.
const TOL: Tolerance = { rtol: 2e-5, atol: 2e-6 };
const TOL_BACKWARD: Tolerance = { rtol: 5e-5, atol: 1e-5 };

export const RMSNORM_CASES: Array<{ name: string; n: number; c: number; scale: number; eps: number }> = [
  { name: 'N=1 C=1', n: 1, c: 1, scale: 1, eps: 1e-5 },
  { name: 'N=3 C=7', n: 3, c: 7, scale: 1, eps: 1e-6 },
  { name: 'N=4 C=128 (workgroup multiple)', n: 4, c: 128, scale: 1, eps: 1e-5 },
  { name: 'N=37 C=129 (ragged)', n: 37, c: 129, scale: 1, eps: 1e-5 },
  { name: 'N=2 C=4096 (long rows)', n: 2, c: 4096, scale: 1, eps: 1e-5 },
  { name: 'extreme: |x| ~ 1e4', n: 5, c: 300, scale: 1e4, eps: 1e-5 },
  { name: 'extreme: |x| ~ 1e-3 (eps matters)', n: 5, c: 64, scale: 1e-3, eps: 1e-6 },
  { name: 'N=0', n: 0, c: 16, scale: 1, eps: 1e-5 },
];

export async function rmsnormGpu(
  ctx: GpuContext,
  x: Float32Array,
  weight: Float32Array,
  dy: Float32Array,
  s: RmsnormShape,
  options: KernelOptions = {},
): Promise<{ y: Float32Array; rstd: Float32Array; dx: Float32Array; dweight: Float32Array }> {
  return runKernel(ctx, 'rmsnorm', { x, weight, dy }, { y: s.n * s.c, rstd: s.n, dx: s.n * s.c, dweight: s.c }, (enc, b) => {
    encodeRmsnorm(ctx, enc, b.x, b.weight, b.y, b.rstd, s, options);
    encodeRmsnormBackward(ctx, enc, b.x, b.weight, b.rstd, b.dy, b.dx, b.dweight, s, options);
  });
}

export const rmsnormCheck: KernelCheck = {
  kernel: 'rmsnorm',
  async run(ctx, options = {}) {
    const rng = new Rng(2024);
    const results: CheckResult[] = [];
    for (const c of RMSNORM_CASES) {
      const s = { n: c.n, c: c.c, eps: c.eps };
      const x = rng.float32(c.n * c.c, { uniform: [-c.scale, c.scale] });
      const weight = rng.float32(c.c, { uniform: [0.5, 1.5] });
      const dy = rng.float32(c.n * c.c);
      const cpu = rmsnormCpu(x, weight, s);
      const back = rmsnormBackwardCpu(x, weight, cpu.rstd, dy, s);
      const gpu = await rmsnormGpu(ctx, x, weight, dy, s, options);
      results.push(...compareOutputs('rmsnorm', c.name, { y: [gpu.y, cpu.y], rstd: [gpu.rstd, cpu.rstd] }, TOL));
      // dx cancels to ~0 when C = 1; measure its error against the size of its terms.
      const dxScale = maxAbs(cpu.rstd) * maxAbs(dy) * maxAbs(weight);
      results.push(...compareOutputs('rmsnorm', c.name, { dx: [gpu.dx, back.dx] }, { ...TOL_BACKWARD, scale: dxScale }));
      results.push(...compareOutputs('rmsnorm', c.name, { dweight: [gpu.dweight, back.dweight] }, TOL_BACKWARD));
    }
    return results;
  },
};
