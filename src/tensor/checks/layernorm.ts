// The layernorm KernelCheck: forward and backward on the GPU against the CPU reference, on seeded
// random rows (ragged widths, a 4096-wide row), a large common offset and extreme magnitudes.
// Registered in ./index.ts.
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import type { CheckResult, KernelCheck } from './types';
import { compareOutputs, maxAbs, type Tolerance } from './compare';
import type { KernelOptions } from '../kernels/kernel-support';
import { runKernel } from './run-kernel';
import { encodeLayernorm, encodeLayernormBackward, layernormBackwardCpu, layernormCpu, type LayernormShape } from '../kernels/layernorm';

// f32 row sums: a few ulps times sqrt(C) relative to the row's scale.
const TOL: Tolerance = { rtol: 2e-5, atol: 2e-6 };
const TOL_BACKWARD: Tolerance = { rtol: 5e-5, atol: 1e-5 };

export const LAYERNORM_CASES: Array<{ name: string; n: number; c: number; scale: number; offset: number; eps: number }> = [
  { name: 'N=1 C=1', n: 1, c: 1, scale: 1, offset: 0, eps: 1e-5 },
  { name: 'N=3 C=7', n: 3, c: 7, scale: 1, offset: 0, eps: 1e-5 },
  { name: 'N=4 C=128 (workgroup multiple)', n: 4, c: 128, scale: 1, offset: 0, eps: 1e-5 },
  { name: 'N=37 C=129 (ragged)', n: 37, c: 129, scale: 1, offset: 0, eps: 1e-5 },
  { name: 'N=2 C=4096 (long rows)', n: 2, c: 4096, scale: 1, offset: 0, eps: 1e-5 },
  { name: 'offset 100 (two-pass variance)', n: 6, c: 96, scale: 1, offset: 100, eps: 1e-5 },
  { name: 'extreme: |x| ~ 1e4', n: 5, c: 300, scale: 1e4, offset: 0, eps: 1e-5 },
  { name: 'N=0', n: 0, c: 16, scale: 1, offset: 0, eps: 1e-5 },
];

export async function layernormGpu(
  ctx: GpuContext,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  dy: Float32Array,
  s: LayernormShape,
  options: KernelOptions = {},
): Promise<Record<'y' | 'mean' | 'rstd' | 'dx' | 'dweight' | 'dbias', Float32Array>> {
  const outputs = { y: s.n * s.c, mean: s.n, rstd: s.n, dx: s.n * s.c, dweight: s.c, dbias: s.c };
  return runKernel(ctx, 'layernorm', { x, weight, bias, dy }, outputs, (enc, b) => {
    encodeLayernorm(ctx, enc, b.x, b.weight, b.bias, b.y, b.mean, b.rstd, s, options);
    encodeLayernormBackward(ctx, enc, b.x, b.weight, b.mean, b.rstd, b.dy, b.dx, b.dweight, b.dbias, s, options);
  });
}

export const layernormCheck: KernelCheck = {
  kernel: 'layernorm',
  async run(ctx, options = {}) {
    const rng = new Rng(2025);
    const results: CheckResult[] = [];
    for (const c of LAYERNORM_CASES) {
      const s = { n: c.n, c: c.c, eps: c.eps };
      const x = rng.float32(c.n * c.c, { uniform: [c.offset - c.scale, c.offset + c.scale] });
      const weight = rng.float32(c.c, { uniform: [0.5, 1.5] });
      const bias = rng.float32(c.c);
      const dy = rng.float32(c.n * c.c);
      const cpu = layernormCpu(x, weight, bias, s);
      const back = layernormBackwardCpu(x, weight, cpu.mean, cpu.rstd, dy, s);
      const gpu = await layernormGpu(ctx, x, weight, bias, dy, s, options);
      // Centering rows with a common offset loses log2(kappa) bits of x - mean in f32, kappa =
      // (|offset| + spread) / spread: absolute tolerances grow by kappa.
      const kappa = (Math.abs(c.offset) + c.scale) / c.scale;
      const fwd = { ...TOL, atol: TOL.atol * kappa };
      const bwd = { ...TOL_BACKWARD, atol: TOL_BACKWARD.atol * kappa };
      results.push(...compareOutputs('layernorm', c.name, { y: [gpu.y, cpu.y], rstd: [gpu.rstd, cpu.rstd] }, fwd));
      // mean's error is relative to the row's spread, not to the (possibly cancelling) mean itself.
      results.push(...compareOutputs('layernorm', c.name, { mean: [gpu.mean, cpu.mean] }, { ...fwd, scale: c.scale + c.offset }));
      // dx is a difference of terms of size rstd * |dy * weight|.
      const dxScale = maxAbs(cpu.rstd) * maxAbs(dy) * maxAbs(weight);
      results.push(...compareOutputs('layernorm', c.name, { dx: [gpu.dx, back.dx] }, { ...bwd, scale: dxScale }));
      results.push(...compareOutputs('layernorm', c.name, { dweight: [gpu.dweight, back.dweight], dbias: [gpu.dbias, back.dbias] }, bwd));
    }
    return results;
  },
};
