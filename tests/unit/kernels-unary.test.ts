import { describe, expect, it } from 'vitest';
import type { UnaryOp } from '../../src/tensor';
import { affineCpu, UNARY_CODES, unaryBackwardCpu, unaryCpu, unaryDerivative, unaryScalar } from '../../src/tensor/kernels/unary';
import { Rng } from '../../src/util/rng';

const OPS = Object.keys(UNARY_CODES).filter((op) => op !== 'affine') as UnaryOp[];
// Points inside each op's domain (log, sqrt, rsqrt and reciprocal need x > 0; abs and relu avoid 0).
const POINTS = [0.3, 1.7, 4.2, -0.6, -2.5];

function fdError(op: UnaryOp, derivative: (op: UnaryOp, v: number) => number): number {
  let worst = 0;
  for (const p of POINTS) {
    const v = ['log', 'sqrt', 'rsqrt', 'reciprocal'].includes(op) ? Math.abs(p) : p;
    const h = 1e-5 * Math.max(1, Math.abs(v));
    const numeric = (unaryScalar(op, v + h) - unaryScalar(op, v - h)) / (2 * h);
    worst = Math.max(worst, Math.abs(numeric - derivative(op, v)) / Math.max(1, Math.abs(numeric)));
  }
  return worst;
}

describe('unary CPU reference', () => {
  it('has a derivative that matches finite differences for every op', () => {
    for (const op of OPS) expect(fdError(op, unaryDerivative), op).toBeLessThan(1e-6);
  });

  it('finite differences catch a wrong derivative', () => {
    const wrong = (op: UnaryOp, v: number) => (op === 'gelu' ? unaryDerivative(op, v) * 1.01 : unaryDerivative(op, v));
    expect(fdError('gelu', wrong)).toBeGreaterThan(1e-3);
  });

  it('rounds once to f32, stays finite where exp overflows, and gives dy * f(x) backward', () => {
    const rng = new Rng(3);
    const x = rng.float32(100, { uniform: [-3, 3] });
    expect([...unaryCpu('tanh', x)]).toEqual([...x].map((v) => Math.fround(Math.tanh(v))));
    expect([...unaryCpu('logsigmoid', Float32Array.of(-1e4, 1e4))]).toEqual([-1e4, 0]);
    expect([...unaryCpu('sigmoid', Float32Array.of(-1e4, 1e4))]).toEqual([0, 1]);
    const dy = rng.float32(100);
    const dx = unaryBackwardCpu('silu', x, dy);
    for (let i = 0; i < 100; i += 17) expect(dx[i]).toBe(Math.fround(dy[i] * unaryDerivative('silu', x[i])));
    expect(() => unaryBackwardCpu('exp', x, new Float32Array(3))).toThrow('exp backward: x has 100 elements but dy has 3');
  });

  it('computes affine in f32 arithmetic', () => {
    const out = affineCpu(Float32Array.of(0.1, 3), 0.1, 0.2);
    expect(out[0]).toBe(Math.fround(Math.fround(Math.fround(0.1) * Math.fround(0.1)) + Math.fround(0.2)));
    expect(out[1]).toBe(Math.fround(Math.fround(3 * Math.fround(0.1)) + Math.fround(0.2)));
  });
});
