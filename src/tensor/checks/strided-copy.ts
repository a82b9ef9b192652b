// The strided-copy KernelCheck: copy, transpose, permute, broadcast, slice, rank 8 and both dtype
// casts, bit-exact against the CPU reference on values up to 1e30. Registered in ./index.ts.
import { Rng } from '../../util/rng';
import { encodeStridedCopy, stridedCopyCpu, type StridedCopyParams } from '../kernels/strided-copy';
import { shapeSize, stridesOf } from '../tensor';
import { compareElementwise } from './compare';
import { runKernel } from './run-kernel';
import type { CheckResult, KernelCheck } from './types';

export const stridedCopyCheck: KernelCheck = {
  kernel: 'strided-copy',
  async run(ctx, options = {}) {
    const rng = new Rng(5);
    const results: CheckResult[] = [];
    const cases: Array<[string, number, StridedCopyParams]> = [
      ['copy [1000]', 1000, { shape: [1000], inStrides: [1], outStrides: [1] }],
      ['transpose [37, 53]', 37 * 53, { shape: [53, 37], inStrides: [1, 53], outStrides: [37, 1] }],
      ['permute [2, 3, 4, 5] -> [0, 2, 1, 3]', 120, { shape: [2, 4, 3, 5], inStrides: [60, 5, 20, 1], outStrides: stridesOf([2, 4, 3, 5]) }],
      ['broadcast [1, 7] -> [9, 7]', 7, { shape: [9, 7], inStrides: [0, 1], outStrides: [7, 1] }],
      ['slice rows 3..8 of [10, 11]', 110, { shape: [5, 11], inStrides: [11, 1], inOffset: 33, outStrides: [11, 1] }],
      ['rank 8', 256, { shape: [2, 2, 2, 2, 2, 2, 2, 2], inStrides: stridesOf([2, 2, 2, 2, 2, 2, 2, 2]).reverse(), outStrides: stridesOf([2, 2, 2, 2, 2, 2, 2, 2]) }],
    ];
    for (const [name, inLen, p] of cases) {
      const src = rng.float32(inLen, { uniform: [-1e30, 1e30] });
      const expected = new Float32Array(shapeSize(p.shape));
      stridedCopyCpu(src, expected, p);
      const got = (await runKernel(ctx, 'strided-copy', { src }, { out: expected.length }, (e, bufs) => encodeStridedCopy(ctx, e, bufs.src, bufs.out, p, options))).out;
      results.push(compareElementwise('strided-copy', name, got, expected, 0, 0, 'bit-exact'));
    }
    const ints = Int32Array.from({ length: 500 }, () => rng.int(2_000_000) - 1_000_000);
    const asF32 = new Float32Array(500);
    stridedCopyCpu(ints, asF32, { shape: [500], inStrides: [1], outStrides: [1], op: 'i32->f32' });
    const got = (await runKernel(ctx, 'cast', { ints }, { out: 500 }, (e, bufs) => encodeStridedCopy(ctx, e, bufs.ints, bufs.out, { shape: [500], inStrides: [1], outStrides: [1], op: 'i32->f32' }, options))).out;
    results.push(compareElementwise('strided-copy', 'cast i32 -> f32', got, asF32, 0, 0, 'exact'));
    const floats = rng.float32(500, { uniform: [-1e6, 1e6] });
    const truncated = new Int32Array(500);
    stridedCopyCpu(floats, truncated, { shape: [500], inStrides: [1], outStrides: [1], op: 'f32->i32' });
    const gotInts = (await runKernel(ctx, 'cast', { floats }, { out: 500 }, (e, bufs) => encodeStridedCopy(ctx, e, bufs.floats, bufs.out, { shape: [500], inStrides: [1], outStrides: [1], op: 'f32->i32' }, options))).out;
    results.push(compareElementwise('strided-copy', 'cast f32 -> i32', Float32Array.from(new Int32Array(gotInts.buffer)), Float32Array.from(truncated), 0, 0, 'exact'));
    return results;
  },
};
