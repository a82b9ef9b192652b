// The AdamW KernelCheck: one step and ten chained steps in one encoder, with weight decay, bias
// correction and a device-side clip scale (from the global-norm kernels), and gradients of
// magnitude 1e4 and 1e-9, against the CPU reference. Registered in ./index.ts.
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import { adamwCpu, encodeAdamW, type AdamWHyper } from '../kernels/adamw';
import { clipScaleCpu, encodeClipScale, encodeSumOfSquares, sumOfSquaresCpu, sumOfSquaresScratch } from '../kernels/global-norm';
import type { KernelOptions } from '../kernels/kernel-support';
import { compareOutputs } from './compare';
import { runKernel } from './run-kernel';
import type { CheckResult, KernelCheck } from './types';

interface AdamWCase {
  name: string;
  n: number;
  steps: number;
  hyper: Omit<AdamWHyper, 'step'>;
  gradScale: number;
  /** Clip by this max norm on the device (gradScale is then computed, not given). */
  maxNorm?: number;
}

const BASE = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

export const ADAMW_CASES: AdamWCase[] = [
  { name: 'n=1, one step', n: 1, steps: 1, hyper: BASE, gradScale: 1 },
  { name: 'n=257, one step, no decay', n: 257, steps: 1, hyper: { ...BASE, weightDecay: 0 }, gradScale: 1 },
  { name: 'n=4099, ten steps, lr 3e-2', n: 4099, steps: 10, hyper: { ...BASE, lr: 3e-2, weightDecay: 0.1 }, gradScale: 1 },
  { name: 'n=300, ten steps, clipped to norm 0.5 on the device', n: 300, steps: 10, hyper: BASE, gradScale: 1, maxNorm: 0.5 },
  { name: 'extreme: |grad| ~ 1e4', n: 100, steps: 3, hyper: BASE, gradScale: 1 },
  { name: 'extreme: |grad| ~ 1e-9 (eps dominates)', n: 100, steps: 3, hyper: BASE, gradScale: 1 },
];

function gradScaleOf(c: AdamWCase): number {
  return c.name.includes('1e4') ? 1e4 : c.name.includes('1e-9') ? 1e-9 : 1;
}

/** Runs `steps` AdamW steps on the GPU in one encoder, each with a fresh gradient from `grads`. */
export async function adamwGpu(
  ctx: GpuContext,
  param: Float32Array,
  m: Float32Array,
  v: Float32Array,
  grads: Float32Array[],
  hyper: Omit<AdamWHyper, 'step'>,
  maxNorm: number | undefined,
  options: KernelOptions = {},
): Promise<{ param: Float32Array; m: Float32Array; v: Float32Array; scale: Float32Array }> {
  const n = param.length;
  const inputs: Record<string, Float32Array> = { param, m, v };
  grads.forEach((g, i) => (inputs[`grad${i}`] = g));
  const r = await runKernel<string, 'scale' | 'sumsq' | 'scratch'>(ctx, 'adamw', inputs, { scale: grads.length, sumsq: 1, scratch: sumOfSquaresScratch([{ n }]) }, (enc, b) => {
    grads.forEach((_, i) => {
      const grad = b[`grad${i}`];
      let scale: GPUBuffer | null = null;
      if (maxNorm !== undefined) {
        encodeSumOfSquares(ctx, enc, [{ buffer: grad, n }], b.scratch, b.sumsq);
        encodeClipScale(ctx, enc, b.sumsq, b.scale, maxNorm);
        scale = b.scale;
      }
      encodeAdamW(ctx, enc, b.param, grad, b.m, b.v, scale, { n, ...hyper, step: i + 1 }, options);
    });
  }, ['param', 'm', 'v']);
  return { param: r.param, m: r.m, v: r.v, scale: r.scale };
}

export const adamwCheck: KernelCheck = {
  kernel: 'adamw',
  async run(ctx, options = {}) {
    const rng = new Rng(1001);
    const results: CheckResult[] = [];
    for (const c of ADAMW_CASES) {
      const g = gradScaleOf(c);
      const param = rng.float32(c.n);
      const m = rng.float32(c.n, { uniform: [-0.1 * g, 0.1 * g] });
      const v = rng.float32(c.n, { uniform: [0, 0.01 * g * g] });
      const grads = Array.from({ length: c.steps }, () => rng.float32(c.n, { uniform: [-g, g] }));
      const gpu = await adamwGpu(ctx, param, m, v, grads, c.hyper, c.maxNorm, options);
      const [p, mm, vv] = [param.slice(), m.slice(), v.slice()];
      grads.forEach((grad, i) => {
        const scale = c.maxNorm === undefined ? 1 : clipScaleCpu(sumOfSquaresCpu([grad]), c.maxNorm);
        adamwCpu(p, grad, mm, vv, { ...c.hyper, step: i + 1 }, scale);
      });
      // Each step moves a parameter by at most ~lr; its f32 error is a few ulps of the parameter
      // plus ~1e-5 of the step (the sqrt and division).
      const paramTol = { rtol: 4e-7 * c.steps, atol: 1e-5, scale: c.hyper.lr * c.steps };
      results.push(...compareOutputs('adamw', c.name, { param: [gpu.param, p] }, paramTol));
      results.push(...compareOutputs('adamw', c.name, { m: [gpu.m, mm], v: [gpu.v, vv] }, { rtol: 1e-5, atol: 1e-6 }));
    }
    return results;
  },
};
