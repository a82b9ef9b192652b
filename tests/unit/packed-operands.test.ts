// Packed weights kept between products while generation holds them (src/tensor/cpu/
// packed-operands.ts, ops.holdFrozenWeights): products under a hold equal products without one,
// and every in-place write of the cpu backend (assign, addScaledInPlace, adamw, writeAt) makes the
// next product see the new values, so an optimizer step interleaved with a generation is never
// served stale panels.
import { describe, expect, it } from 'vitest';
import { createBackend, ops, type Backend, type Tensor } from '../../src/tensor';
import { packedOperandsHeld } from '../../src/tensor/cpu/packed-operands';
import { Rng } from '../../src/util/rng';

const rng = new Rng(12);
const x = (be: Backend) => be.fromData(rng.float32(6 * 40, { normal: 1 }), [6, 40]);
const w = (be: Backend) => be.fromData(rng.float32(50 * 40, { normal: 1 }), [50, 40]);

async function product(be: Backend, a: Tensor, b: Tensor): Promise<number[]> {
  const y = be.matmul(a, b, { transB: true });
  const d = Array.from((await y.data()) as Float32Array);
  y.dispose();
  return d;
}

describe('packed weights held for generation', () => {
  it('give the same products as without a hold', async () => {
    const be = await createBackend('cpu');
    const a = x(be);
    const b = w(be);
    const unheld = await product(be, a, b);
    const release = ops.holdFrozenWeights(be);
    expect(packedOperandsHeld()).toBe(true);
    expect(await product(be, a, b)).toEqual(unheld);
    expect(await product(be, a, b)).toEqual(unheld); // from the kept panels
    release();
    expect(packedOperandsHeld()).toBe(false);
  });

  it('forget a weight written in place by any in-place op', async () => {
    const be = await createBackend('cpu');
    const a = x(be);
    const b = w(be);
    const other = w(be);
    const writes: Array<[string, () => void]> = [
      ['assign', () => be.assign(b, other)],
      ['addScaledInPlace', () => be.addScaledInPlace(b, other, 0.5)],
      ['adamw', () => ops.adamw(be, b, other, be.zeros(b.shape), be.zeros(b.shape), { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, step: 1 })],
      ['writeAt', () => ops.writeAt(be, b, be.fromData(rng.float32(5 * 40, { normal: 1 }), [5, 40]), 0, 7)],
    ];
    for (const [name, write] of writes) {
      const release = ops.holdFrozenWeights(be);
      const before = await product(be, a, b);
      expect(await product(be, a, b)).toEqual(before);
      write();
      const after = await product(be, a, b);
      release();
      const truth = await product(be, a, b); // no hold: packed afresh
      expect(after, name).toEqual(truth);
      expect(after, name).not.toEqual(before);
    }
  });
});
