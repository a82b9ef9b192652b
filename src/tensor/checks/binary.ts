// The binary KernelCheck: the six broadcasting binary ops (same shapes, row and column bias, outer,
// scalar, rank 5) and the in-place axpy on values of magnitude 1e4, against the CPU references.
// Registered in ./index.ts.
import { Rng } from '../../util/rng';
import type { BinaryOp } from '../backend';
import { axpyCpu, binaryCpu, encodeAxpy, encodeBinary } from '../kernels/binary';
import { shapeSize, type Shape } from '../tensor';
import { compareElementwise } from './compare';
import { runKernel } from './run-kernel';
import type { CheckResult, KernelCheck } from './types';

const BINARY_CASES: Array<[string, Shape, Shape]> = [
  ['same [1]', [1], [1]],
  ['same [257]', [257], [257]],
  ['row bias [33, 65] + [65]', [33, 65], [65]],
  ['column [33, 65] * [33, 1]', [33, 65], [33, 1]],
  ['outer [7, 1] - [1, 9]', [7, 1], [1, 9]],
  ['scalar [5, 6, 7] / [1]', [5, 6, 7], [1]],
  ['rank 5 [2, 1, 3, 1, 5] vs [4, 1, 2, 5]', [2, 1, 3, 1, 5], [4, 1, 2, 5]],
];

export const binaryCheck: KernelCheck = {
  kernel: 'binary',
  async run(ctx, options = {}) {
    const rng = new Rng(77);
    const results: CheckResult[] = [];
    const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
    for (const [name, aShape, bShape] of BINARY_CASES) {
      for (const op of ops) {
        const a = rng.float32(shapeSize(aShape), { uniform: [-4, 4] });
        const b = rng.float32(shapeSize(bShape), { uniform: [0.5, 3] });
        const ref = binaryCpu(op, a, aShape, b, bShape);
        const got = (await runKernel(ctx, `binary:${op}`, { a, b }, { out: ref.out.length }, (e, bufs) => encodeBinary(ctx, e, bufs.a, bufs.b, bufs.out, { op, aShape, bShape }, options))).out;
        // + - * and max/min are exact in f32; WGSL's division may be 2.5 ulp.
        results.push(compareElementwise('binary', `${op} ${name}`, got, ref.out, 0, op === 'div' ? 3e-7 : 0));
      }
    }
    for (const n of [1, 300, 4099]) {
      const acc = rng.float32(n);
      const x = rng.float32(n, { uniform: [-1e4, 1e4] });
      const expected = acc.slice();
      axpyCpu(expected, x, 0.37);
      const got = (await runKernel<'x' | 'acc', never>(ctx, 'axpy', { x, acc }, {}, (e, bufs) => encodeAxpy(ctx, e, bufs.x, bufs.acc, { n, scale: 0.37 }, options), ['acc'])).acc;
      // A fused multiply-add rounds once instead of twice: one ulp of the product.
      results.push(compareElementwise('binary', `axpy n=${n} (|x| ~ 1e4)`, got, expected, 1e-3 * 2 ** -10, 2 ** -23 * 4));
    }
    return results;
  },
};
