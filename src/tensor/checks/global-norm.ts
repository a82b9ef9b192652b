// The global-norm KernelCheck: the sum of squares over several tensors (none, empty ones, 70000
// elements, magnitudes 1e4 and 1e-15) and the clip coefficient of clip_grad_norm_, against the CPU
// references. Registered in ./index.ts.
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import { clipScaleCpu, encodeClipScale, encodeSumOfSquares, sumOfSquaresCpu, sumOfSquaresScratch } from '../kernels/global-norm';
import type { KernelOptions } from '../kernels/kernel-support';
import { compareOutputs } from './compare';
import { runKernel } from './run-kernel';
import type { CheckResult, KernelCheck } from './types';

interface NormCase {
  name: string;
  sizes: number[];
  scale: number;
  maxNorm: number;
}

export const GLOBAL_NORM_CASES: NormCase[] = [
  { name: 'no tensors', sizes: [], scale: 1, maxNorm: 1 },
  { name: 'one element', sizes: [1], scale: 1, maxNorm: 1 },
  { name: 'tensors of 7, 0, 300, 5', sizes: [7, 0, 300, 5], scale: 1, maxNorm: 100 },
  { name: '70000 elements (grid-stride)', sizes: [70_000], scale: 1, maxNorm: 1 },
  { name: 'three rows of 4096', sizes: [4096, 4096, 4096], scale: 1, maxNorm: 10 },
  { name: 'extreme: |x| ~ 1e4', sizes: [1000, 33], scale: 1e4, maxNorm: 1 },
  { name: 'extreme: |x| ~ 1e-15', sizes: [500], scale: 1e-15, maxNorm: 1 },
];

export async function globalNormGpu(ctx: GpuContext, xs: Float32Array[], maxNorm: number, options: KernelOptions = {}): Promise<{ sumsq: number; scale: number }> {
  const inputs: Record<string, Float32Array> = {};
  xs.forEach((x, i) => (inputs[`x${i}`] = x));
  const spans = xs.map((x) => ({ n: x.length }));
  const r = await runKernel(ctx, 'global-norm', inputs, { scratch: sumOfSquaresScratch(spans), sumsq: 1, scale: 1 }, (enc, b) => {
    encodeSumOfSquares(ctx, enc, xs.map((x, i) => ({ buffer: b[`x${i}`], n: x.length })), b.scratch, b.sumsq, options);
    encodeClipScale(ctx, enc, b.sumsq, b.scale, maxNorm, options);
  });
  return { sumsq: r.sumsq[0], scale: r.scale[0] };
}

export const globalNormCheck: KernelCheck = {
  kernel: 'global-norm',
  async run(ctx, options = {}) {
    const rng = new Rng(1002);
    const results: CheckResult[] = [];
    for (const c of GLOBAL_NORM_CASES) {
      const xs = c.sizes.map((n) => rng.float32(n, { uniform: [-c.scale, c.scale] }));
      const gpu = await globalNormGpu(ctx, xs, c.maxNorm, options);
      const sumsq = sumOfSquaresCpu(xs);
      // f32 sums of up to 70000 positive terms: grid-stride runs of ~5 terms, then trees.
      results.push(...compareOutputs('global-norm', c.name, { sumsq: [[gpu.sumsq], [sumsq]] }, { rtol: 1e-5, atol: 0 }));
      results.push(...compareOutputs('global-norm', c.name, { 'clip scale': [[gpu.scale], [clipScaleCpu(sumsq, c.maxNorm)]] }, { rtol: 1e-5, atol: 0 }));
    }
    return results;
  },
};
