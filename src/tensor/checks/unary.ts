// The unary KernelCheck: every elementwise unary op and its fused backward (and affine) on the GPU
// against the CPU reference, at sizes that are and are not workgroup multiples and on inputs of
// magnitude 1e4 for the overflow-prone ops. Registered in ./index.ts.
import { Rng } from '../../util/rng';
import type { UnaryOp } from '../backend';
import { affineCpu, encodeUnary, encodeUnaryBackward, unaryBackwardCpu, unaryCpu } from '../kernels/unary';
import { compareElementwise } from './compare';
import { runKernel } from './run-kernel';
import type { CheckResult, KernelCheck } from './types';

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
    const rng = new Rng(2024);
    // WGSL's exp/log/tanh are a few ulps (exp: 3 + 2|x| ulp); our tolerance covers 80 ulps.
    const atol = 1e-6;
    const rtol = 1e-5;
    const results: CheckResult[] = [];
    for (const op of Object.keys(UNARY_RANGES) as UnaryOp[]) {
      for (const n of [1, 255, 257, 1000]) {
        const x = rng.float32(n, { uniform: UNARY_RANGES[op] });
        const got = (await runKernel(ctx, `unary:${op}`, { x }, { out: n }, (e, bufs) => encodeUnary(ctx, e, bufs.x, bufs.out, { n, op }, options))).out;
        results.push(compareElementwise('unary', `${op} n=${n}`, got, unaryCpu(op, x), atol, rtol));
        const dy = rng.float32(n);
        const dgot = (await runKernel(ctx, `unary-backward:${op}`, { x, dy }, { out: n }, (e, bufs) => encodeUnaryBackward(ctx, e, bufs.x, bufs.dy, bufs.out, { n, op }, options))).out;
        // Derivatives such as gelu's sum terms of size ~|x| that cancel near their zero crossing.
        results.push(compareElementwise('unary', `${op} backward n=${n}`, dgot, unaryBackwardCpu(op, x, dy), 5e-6, 1e-4));
      }
    }
    for (const op of EXTREME_OPS) {
      const x = rng.float32(300, { uniform: [-1e4, 1e4] });
      x[0] = 1e4;
      x[1] = -1e4;
      const got = (await runKernel(ctx, `unary:${op}`, { x }, { out: 300 }, (e, bufs) => encodeUnary(ctx, e, bufs.x, bufs.out, { n: 300, op }, options))).out;
      results.push(compareElementwise('unary', `${op} extreme |x| ~ 1e4`, got, unaryCpu(op, x), atol, rtol));
      const dy = rng.float32(300);
      const dgot = (await runKernel(ctx, `unary-backward:${op}`, { x, dy }, { out: 300 }, (e, bufs) => encodeUnaryBackward(ctx, e, bufs.x, bufs.dy, bufs.out, { n: 300, op }, options))).out;
      results.push(compareElementwise('unary', `${op} backward extreme |x| ~ 1e4`, dgot, unaryBackwardCpu(op, x, dy), atol, 1e-4));
    }
    const x = rng.float32(777);
    const got = (await runKernel(ctx, 'affine', { x }, { out: 777 }, (e, bufs) => encodeUnary(ctx, e, bufs.x, bufs.out, { n: 777, op: 'affine', a: -1.5, b: 0.25 }, options))).out;
    results.push(compareElementwise('unary', 'affine n=777', got, affineCpu(x, -1.5, 0.25), 1e-7, 4e-7));
    return results;
  },
};
