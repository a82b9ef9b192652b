// The reduce KernelCheck: sum, mean, max and sum of squares over first, last, several and all
// axes (rows of 4096, one output of 70000 inputs), at magnitudes 1 and 1e4, against the CPU
// reference within a bound that grows with log2(n); the plain variant always and the `subgroups`
// one where the device has the feature (cases named "[subgroups]"). Registered in ./index.ts.
import { Rng } from '../../util/rng';
import { encodeReduce, reduceCpu, type ReduceKernelOp } from '../kernels/reduce';
import { shapeSize, type Shape } from '../tensor';
import { runKernel } from './run-kernel';
import type { CheckResult, KernelCheck } from './types';
import { subgroupTag, subgroupVariants } from './variants';

const REDUCE_CASES: Array<[string, Shape, number[]]> = [
  ['[1] over 0', [1], [0]],
  ['[257] over 0', [257], [0]],
  ['[33, 65] over last', [33, 65], [1]],
  ['[33, 65] over first', [33, 65], [0]],
  ['[4, 5, 6] over 0 and 2', [4, 5, 6], [0, 2]],
  ['[3, 4096] over last (long rows)', [3, 4096], [1]],
  ['[70000] over 0 (one output)', [70_000], [0]],
];

export const reduceCheck: KernelCheck = {
  kernel: 'reduce',
  async run(ctx, options = {}) {
    const rng = new Rng(9);
    const results: CheckResult[] = [];
    for (const subgroups of subgroupVariants(ctx)) {
      const o = {
        shaderCode: subgroups ? options.variantCode?.['reduce-subgroups'] : options.shaderCode,
        subgroups,
      };
      for (const [name, shape, axes] of REDUCE_CASES) {
        for (const op of ['sum', 'mean', 'max', 'sumsq'] as ReduceKernelOp[]) {
          for (const scale of [1, 1e4]) {
            const x = rng.float32(shapeSize(shape), { uniform: [-scale, scale] });
            const ref = reduceCpu(op, x, shape, axes, false);
            const got = (
              await runKernel(ctx, `reduce:${op}`, { x }, { out: ref.out.length }, (e, bufs) =>
                encodeReduce(ctx, e, bufs.x, bufs.out, { op, shape, axes }, o),
              )
            ).out;
            // A tree of f32 additions: error <= (log2(n) + 2) ulps of sum |x| (max is exact).
            const nIn = shapeSize(shape) / ref.out.length;
            const absSum = reduceCpu(
              op === 'sumsq' ? 'sumsq' : 'sum',
              x.map(Math.abs),
              shape,
              axes,
              false,
            ).out;
            const ulps = (Math.log2(nIn) + 2) * 2 ** -23;
            let ok = true;
            let maxAbsError = 0;
            for (let i = 0; i < ref.out.length; i++) {
              const bound =
                op === 'max' ? 0 : ulps * (op === 'mean' ? absSum[i] / nIn : absSum[i]) + 1e-30;
              const err = Math.abs(got[i] - ref.out[i]);
              if (!(err <= bound)) ok = false;
              if (!(err <= maxAbsError)) maxAbsError = err;
            }
            results.push({
              kernel: 'reduce',
              case: `${op} ${name}${scale > 1 ? ' |x| ~ 1e4' : ''}${subgroupTag(subgroups)}`,
              ok,
              maxAbsError,
              tolerance: 'max exact; sums <= (log2(n) + 2) * 2^-23 * sum|x|',
            });
          }
        }
      }
    }
    return results;
  },
};
