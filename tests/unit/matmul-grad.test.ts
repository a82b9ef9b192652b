// Finite-difference check of matmul's backward, expressed as matmuls by matmulGradPlan, for every
// combination of transpose and broadcast flags.
import { describe, expect, it } from 'vitest';
import { matmulCpu, type MatmulShape } from '../../src/tensor/kernels/matmul';
import { matmulGradPlan, type MatmulGradPlan, type MatmulGradStep } from '../../src/tensor/kernels/matmul-grad';
import { Rng } from '../../src/util/rng';

function run(step: MatmulGradStep, ops: Record<'A' | 'B' | 'dC', Float32Array>, size: number): Float64Array {
  const prod = matmulCpu(ops[step.lhs], ops[step.rhs], step.shape);
  const grad = new Float64Array(size);
  const copies = step.sumOverBatch ? step.shape.batch : 1;
  expect(prod.length).toBe(copies * size);
  for (let c = 0; c < copies; c++) for (let i = 0; i < size; i++) grad[i] += prod[c * size + i];
  return grad;
}

/** L = sum(W * C) in f64, so dL/dC = W. */
function loss(a: Float32Array, b: Float32Array, w: Float32Array, shape: MatmulShape): number {
  const c = matmulCpu(a, b, shape);
  let s = 0;
  for (let i = 0; i < c.length; i++) s += w[i] * c[i];
  return s;
}

const flags = [false, true];
const shapes: MatmulShape[] = [];
for (const transA of flags)
  for (const transB of flags)
    for (const broadcastA of flags)
      for (const broadcastB of flags) shapes.push({ batch: 3, m: 4, n: 5, k: 3, transA, transB, broadcastA, broadcastB });
shapes.push({ batch: 1, m: 6, n: 2, k: 7, transB: true, broadcastB: true });

/** Worst |finite difference - planned gradient| over every element of A and B. */
function gradError(shape: MatmulShape, plan: MatmulGradPlan): number {
  const rng = new Rng(11);
  const lenA = (shape.broadcastA ? 1 : shape.batch) * shape.m * shape.k;
  const lenB = (shape.broadcastB ? 1 : shape.batch) * shape.k * shape.n;
  // Inputs on a 1/8 grid keep the f32 products exact, so rounding does not blur the check.
  const a = rng.float32(lenA).map((x) => Math.round(x * 8) / 8);
  const b = rng.float32(lenB).map((x) => Math.round(x * 8) / 8);
  const w = rng.float32(shape.batch * shape.m * shape.n).map((x) => Math.round(x * 8) / 8);
  const ops = { A: a, B: b, dC: w };
  const dA = run(plan.dA, ops, lenA);
  const dB = run(plan.dB, ops, lenB);
  const h = 2 ** -6;
  let worst = 0;
  for (const [x, grad] of [
    [a, dA],
    [b, dB],
  ] as const) {
    for (let i = 0; i < x.length; i++) {
      const keep = x[i];
      x[i] = keep + h;
      const up = loss(a, b, w, shape);
      x[i] = keep - h;
      const down = loss(a, b, w, shape);
      x[i] = keep;
      // L is linear in each input, so the central difference is exact up to rounding.
      worst = Math.max(worst, Math.abs((up - down) / (2 * h) - grad[i]));
    }
  }
  return worst;
}

describe('matmul backward (finite differences)', () => {
  it.each(shapes.map((s) => [JSON.stringify(s), s] as const))('%s', (_name, shape) => {
    expect(gradError(shape, matmulGradPlan(shape))).toBeLessThan(1e-4);
  });

  it('detects a wrong rule (the check is not vacuous)', () => {
    const shape: MatmulShape = { batch: 2, m: 3, n: 3, k: 3 };
    const plan = matmulGradPlan(shape);
    const wrongDA = { ...plan, dA: { ...plan.dA, shape: { ...plan.dA.shape, transB: false } } };
    const wrongDB = { ...plan, dB: { ...plan.dB, shape: { ...plan.dB.shape, transA: false } } };
    expect(gradError(shape, wrongDA)).toBeGreaterThan(1e-2);
    expect(gradError(shape, wrongDB)).toBeGreaterThan(1e-2);
  });
});
