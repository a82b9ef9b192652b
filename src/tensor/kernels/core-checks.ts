// KernelChecks of the engine-core kernels (unary, binary/axpy, strided copy, reduce, softmax):
// each WGSL kernel against its CPU reference on seeded random inputs at sizes that are and are not
// workgroup multiples, plus extreme inputs (magnitudes 1e4 and beyond, rows of 4096). Registered
// in ../checks.ts; `shaderCode` replaces a kernel's source so tests can prove a wrong one fails.
import binaryWgsl from '../../../shaders/binary.wgsl?raw';
import reduceWgsl from '../../../shaders/reduce.wgsl?raw';
import softmaxWgsl from '../../../shaders/softmax.wgsl?raw';
import stridedWgsl from '../../../shaders/strided-copy.wgsl?raw';
import unaryWgsl from '../../../shaders/unary.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import type { BinaryOp, UnaryOp } from '../backend';
import type { CheckResult, KernelCheck } from '../checks';
import { shapeSize, stridesOf, type Shape } from '../tensor';
import { axpyCpu, binaryCpu, encodeAxpy, encodeBinary } from './binary';
import { encodeReduce, reduceCpu, type ReduceKernelOp } from './reduce';
import { encodeSoftmax, encodeSoftmaxBackward, softmaxBackwardCpu, softmaxCpu } from './softmax';
import { encodeStridedCopy, stridedCopyCpu, type StridedCopyParams } from './strided-copy';
import { affineCpu, encodeUnary, encodeUnaryBackward, unaryBackwardCpu, unaryCpu } from './unary';

type Host = Float32Array | Int32Array;

/** Uploads inputs, lets `encode` record, submits once, reads `outLength` words of the output. */
async function runOnce(
  ctx: GpuContext,
  label: string,
  inputs: Host[],
  outLength: number,
  encode: (encoder: GPUCommandEncoder, ins: GPUBuffer[], out: GPUBuffer) => void,
  outInit?: Float32Array,
): Promise<Float32Array> {
  return ctx.scoped(`running ${label}`, async () => {
    const ins = inputs.map((a, i) => ctx.createStorageBuffer(`${label}:in${i}`, a.length ? a : new Float32Array(1)));
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const out = outInit ? ctx.createStorageBuffer(`${label}:out`, outInit) : ctx.createBuffer(`${label}:out`, Math.max(1, outLength) * 4, usage);
    const encoder = ctx.device.createCommandEncoder({ label });
    encode(encoder, ins, out);
    ctx.device.queue.submit([encoder.finish()]);
    const result = await ctx.readFloat32(out, outLength);
    for (const b of [...ins, out]) b.destroy();
    return result;
  });
}

/** |gpu - cpu| <= atol + rtol * |cpu| per element; NaN anywhere fails. */
function compare(kernel: string, name: string, actual: Float32Array, expected: Float32Array, atol: number, rtol: number, what = ''): CheckResult {
  let ok = actual.length === expected.length;
  let maxAbsError = ok ? 0 : Infinity;
  for (let i = 0; ok && i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + rtol * Math.abs(expected[i]))) ok = false;
    if (!(err <= maxAbsError)) maxAbsError = err;
  }
  return { kernel, case: name, ok, maxAbsError, tolerance: what || `|gpu - cpu| <= ${atol.toExponential(1)} + ${rtol.toExponential(1)} * |cpu|` };
}

function positive(rng: Rng, n: number, lo: number, hi: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

// Inputs inside each op's domain; extremes test overflow-safe formulations.
const UNARY_RANGES: Record<UnaryOp, [number, number]> = {
  neg: [-5, 5],
  exp: [-20, 20],
  log: [1e-3, 1e3],
  sqrt: [0, 1e3],
  rsqrt: [1e-3, 1e3],
  square: [-100, 100],
  abs: [-5, 5],
  relu: [-5, 5],
  tanh: [-6, 6],
  sigmoid: [-12, 12],
  logsigmoid: [-30, 30],
  silu: [-12, 12],
  gelu: [-8, 8],
  reciprocal: [0.01, 100],
};
const EXTREME_OPS: UnaryOp[] = ['neg', 'abs', 'relu', 'tanh', 'sigmoid', 'logsigmoid', 'silu', 'gelu'];

export const unaryCheck: KernelCheck = {
  kernel: 'unary',
  async run(ctx, options = {}) {
    const code = options.shaderCode ?? unaryWgsl;
    const rng = new Rng(2024);
    // WGSL's exp/log/tanh are a few ulps (exp: 3 + 2|x| ulp); our tolerance covers 80 ulps.
    const atol = 1e-6;
    const rtol = 1e-5;
    const results: CheckResult[] = [];
    for (const op of Object.keys(UNARY_RANGES) as UnaryOp[]) {
      for (const n of [1, 255, 257, 1000]) {
        const x = positive(rng, n, ...UNARY_RANGES[op]);
        const got = await runOnce(ctx, `unary:${op}`, [x], n, (e, [xb], o) => encodeUnary(ctx, e, xb, o, { n, op }, code));
        results.push(compare('unary', `${op} n=${n}`, got, unaryCpu(op, x), atol, rtol));
        const dy = rng.float32(n);
        const dgot = await runOnce(ctx, `unary-backward:${op}`, [x, dy], n, (e, [xb, dyb], o) => encodeUnaryBackward(ctx, e, xb, dyb, o, { n, op }, code));
        // Derivatives such as gelu's sum terms of size ~|x| that cancel near their zero crossing.
        results.push(compare('unary', `${op} backward n=${n}`, dgot, unaryBackwardCpu(op, x, dy), 5e-6, 1e-4));
      }
    }
    for (const op of EXTREME_OPS) {
      const x = rng.float32(300, { uniform: [-1e4, 1e4] });
      x[0] = 1e4;
      x[1] = -1e4;
      const got = await runOnce(ctx, `unary:${op}`, [x], 300, (e, [xb], o) => encodeUnary(ctx, e, xb, o, { n: 300, op }, code));
      results.push(compare('unary', `${op} extreme |x| ~ 1e4`, got, unaryCpu(op, x), atol, rtol));
      const dy = rng.float32(300);
      const dgot = await runOnce(ctx, `unary-backward:${op}`, [x, dy], 300, (e, [xb, dyb], o) => encodeUnaryBackward(ctx, e, xb, dyb, o, { n: 300, op }, code));
      results.push(compare('unary', `${op} backward extreme |x| ~ 1e4`, dgot, unaryBackwardCpu(op, x, dy), atol, 1e-4));
    }
    const x = rng.float32(777);
    const got = await runOnce(ctx, 'affine', [x], 777, (e, [xb], o) => encodeUnary(ctx, e, xb, o, { n: 777, op: 'affine', a: -1.5, b: 0.25 }, code));
    results.push(compare('unary', 'affine n=777', got, affineCpu(x, -1.5, 0.25), 1e-7, 4e-7));
    return results;
  },
};

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
    const code = options.shaderCode ?? binaryWgsl;
    const rng = new Rng(77);
    const results: CheckResult[] = [];
    const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
    for (const [name, aShape, bShape] of BINARY_CASES) {
      for (const op of ops) {
        const a = rng.float32(shapeSize(aShape), { uniform: [-4, 4] });
        const b = positive(rng, shapeSize(bShape), 0.5, 3);
        const ref = binaryCpu(op, a, aShape, b, bShape);
        const got = await runOnce(ctx, `binary:${op}`, [a, b], ref.out.length, (e, [ab, bb], o) => encodeBinary(ctx, e, ab, bb, o, { op, aShape, bShape }, code));
        // + - * and max/min are exact in f32; WGSL's division may be 2.5 ulp.
        results.push(compare('binary', `${op} ${name}`, got, ref.out, 0, op === 'div' ? 3e-7 : 0));
      }
    }
    for (const n of [1, 300, 4099]) {
      const acc = rng.float32(n);
      const x = rng.float32(n, { uniform: [-1e4, 1e4] });
      const expected = acc.slice();
      axpyCpu(expected, x, 0.37);
      const got = await runOnce(ctx, 'axpy', [x], n, (e, [xb], o) => encodeAxpy(ctx, e, xb, o, { n, scale: 0.37 }, code), acc);
      // A fused multiply-add rounds once instead of twice: one ulp of the product.
      results.push(compare('binary', `axpy n=${n} (|x| ~ 1e4)`, got, expected, 1e-3 * 2 ** -10, 2 ** -23 * 4));
    }
    return results;
  },
};

export const stridedCopyCheck: KernelCheck = {
  kernel: 'strided-copy',
  async run(ctx, options = {}) {
    const code = options.shaderCode ?? stridedWgsl;
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
      const got = await runOnce(ctx, 'strided-copy', [src], expected.length, (e, [sb], o) => encodeStridedCopy(ctx, e, sb, o, p, code));
      results.push(compare('strided-copy', name, got, expected, 0, 0, 'bit-exact'));
    }
    const ints = Int32Array.from({ length: 500 }, () => rng.int(2_000_000) - 1_000_000);
    const asF32 = new Float32Array(500);
    stridedCopyCpu(ints, asF32, { shape: [500], inStrides: [1], outStrides: [1], op: 'i32->f32' });
    const got = await runOnce(ctx, 'cast', [ints], 500, (e, [sb], o) => encodeStridedCopy(ctx, e, sb, o, { shape: [500], inStrides: [1], outStrides: [1], op: 'i32->f32' }, code));
    results.push(compare('strided-copy', 'cast i32 -> f32', got, asF32, 0, 0, 'exact'));
    const floats = rng.float32(500, { uniform: [-1e6, 1e6] });
    const truncated = new Int32Array(500);
    stridedCopyCpu(floats, truncated, { shape: [500], inStrides: [1], outStrides: [1], op: 'f32->i32' });
    const gotInts = await runOnce(ctx, 'cast', [floats], 500, (e, [sb], o) => encodeStridedCopy(ctx, e, sb, o, { shape: [500], inStrides: [1], outStrides: [1], op: 'f32->i32' }, code));
    results.push(compare('strided-copy', 'cast f32 -> i32', Float32Array.from(new Int32Array(gotInts.buffer)), Float32Array.from(truncated), 0, 0, 'exact'));
    return results;
  },
};

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
    const code = options.shaderCode ?? reduceWgsl;
    const rng = new Rng(9);
    const results: CheckResult[] = [];
    for (const [name, shape, axes] of REDUCE_CASES) {
      for (const op of ['sum', 'mean', 'max', 'sumsq'] as ReduceKernelOp[]) {
        for (const scale of [1, 1e4]) {
          const x = rng.float32(shapeSize(shape), { uniform: [-scale, scale] });
          const ref = reduceCpu(op, x, shape, axes, false);
          const got = await runOnce(ctx, `reduce:${op}`, [x], ref.out.length, (e, [xb], o) => encodeReduce(ctx, e, xb, o, { op, shape, axes }, code));
          // A tree of f32 additions: error <= (log2(n) + 2) ulps of sum |x| (max is exact).
          const nIn = shapeSize(shape) / ref.out.length;
          const absSum = reduceCpu(op === 'sumsq' ? 'sumsq' : 'sum', x.map(Math.abs), shape, axes, false).out;
          const ulps = (Math.log2(nIn) + 2) * 2 ** -23;
          let ok = true;
          let maxAbsError = 0;
          for (let i = 0; i < ref.out.length; i++) {
            const bound = op === 'max' ? 0 : ulps * (op === 'mean' ? absSum[i] / nIn : absSum[i]) + 1e-30;
            const err = Math.abs(got[i] - ref.out[i]);
            if (!(err <= bound)) ok = false;
            if (!(err <= maxAbsError)) maxAbsError = err;
          }
          results.push({ kernel: 'reduce', case: `${op} ${name}${scale > 1 ? ' |x| ~ 1e4' : ''}`, ok, maxAbsError, tolerance: 'max exact; sums <= (log2(n) + 2) * 2^-23 * sum|x|' });
        }
      }
    }
    return results;
  },
};

export const softmaxCheck: KernelCheck = {
  kernel: 'softmax',
  async run(ctx, options = {}) {
    const code = options.shaderCode ?? softmaxWgsl;
    const rng = new Rng(11);
    const results: CheckResult[] = [];
    const cases: Array<[string, number, number, number]> = [
      ['[1, 1]', 1, 1, 3],
      ['[5, 7]', 5, 7, 3],
      ['[3, 257]', 3, 257, 3],
      ['[2, 4096] (long rows)', 2, 4096, 3],
      ['[4, 100] logits ~ 1e4', 4, 100, 1e4],
    ];
    for (const [name, rows, cols, scale] of cases) {
      for (const log of [false, true]) {
        const p = { rows, cols, log };
        const x = rng.float32(rows * cols, { uniform: [-scale, scale] });
        const y = softmaxCpu(x, p);
        const got = await runOnce(ctx, 'softmax', [x], x.length, (e, [xb], o) => encodeSoftmax(ctx, e, xb, o, p, code));
        // log-softmax: x - lse loses an ulp of max|x|; softmax: relative error of exp.
        const atol = log ? 8 * 2 ** -23 * Math.max(1, scale) + 1e-6 : 1e-7;
        results.push(compare('softmax', `${log ? 'log-softmax' : 'softmax'} ${name}`, got, y, atol, 2e-5));
        const dy = rng.float32(rows * cols);
        const dx = softmaxBackwardCpu(y, dy, p);
        const dgot = await runOnce(ctx, 'softmax-backward', [y, dy], x.length, (e, [yb, dyb], o) => encodeSoftmaxBackward(ctx, e, yb, dyb, o, p, code));
        results.push(compare('softmax', `${log ? 'log-softmax' : 'softmax'} backward ${name}`, dgot, dx, 1e-6 * Math.sqrt(cols), 1e-4));
      }
    }
    return results;
  },
};

export const CORE_CHECKS: KernelCheck[] = [unaryCheck, binaryCheck, stridedCopyCheck, reduceCheck, softmaxCheck];
