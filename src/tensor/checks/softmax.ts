// The softmax KernelCheck: softmax and log-softmax with their backward, on rows of 1 to 4096 and
// logits of magnitude 1e4, against the CPU reference (f64); the plain workgroup-tree variant always
// and, where the device has the feature, the `subgroups` variant too (cases named "[subgroups]").
// Registered in ./index.ts.
import { Rng } from '../../util/rng';
import {
  encodeSoftmax,
  encodeSoftmaxBackward,
  softmaxBackwardCpu,
  softmaxCpu,
} from '../kernels/softmax';
import { compareElementwise } from './compare';
import { runKernel } from './run-kernel';
import type { CheckResult, KernelCheck } from './types';
import { subgroupTag, subgroupVariants } from './variants';

export const softmaxCheck: KernelCheck = {
  kernel: 'softmax',
  async run(ctx, options = {}) {
    const rng = new Rng(11);
    const results: CheckResult[] = [];
    const cases: Array<[string, number, number, number]> = [
      ['[1, 1]', 1, 1, 3],
      ['[5, 7]', 5, 7, 3],
      ['[3, 257]', 3, 257, 3],
      ['[2, 4096] (long rows)', 2, 4096, 3],
      ['[4, 100] logits ~ 1e4', 4, 100, 1e4],
    ];
    for (const subgroups of subgroupVariants(ctx)) {
      const code = subgroups ? options.variantCode?.['softmax-subgroups'] : options.shaderCode;
      const o = { shaderCode: code, subgroups };
      const tag = subgroupTag(subgroups);
      for (const [name, rows, cols, scale] of cases) {
        for (const log of [false, true]) {
          const p = { rows, cols, log };
          const x = rng.float32(rows * cols, { uniform: [-scale, scale] });
          const y = softmaxCpu(x, p);
          const got = (
            await runKernel(ctx, 'softmax', { x }, { out: x.length }, (e, bufs) =>
              encodeSoftmax(ctx, e, bufs.x, bufs.out, p, o),
            )
          ).out;
          // log-softmax: x - lse loses an ulp of max|x|; softmax: relative error of exp.
          const atol = log ? 8 * 2 ** -23 * Math.max(1, scale) + 1e-6 : 1e-7;
          results.push(
            compareElementwise(
              'softmax',
              `${log ? 'log-softmax' : 'softmax'} ${name}${tag}`,
              got,
              y,
              atol,
              2e-5,
            ),
          );
          const dy = rng.float32(rows * cols);
          const dx = softmaxBackwardCpu(y, dy, p);
          const dgot = (
            await runKernel(ctx, 'softmax-backward', { y, dy }, { out: x.length }, (e, bufs) =>
              encodeSoftmaxBackward(ctx, e, bufs.y, bufs.dy, bufs.out, p, o),
            )
          ).out;
          results.push(
            compareElementwise(
              'softmax',
              `${log ? 'log-softmax' : 'softmax'} backward ${name}${tag}`,
              dgot,
              dx,
              1e-6 * Math.sqrt(cols),
              1e-4,
            ),
          );
        }
      }
    }
    return results;
  },
};
