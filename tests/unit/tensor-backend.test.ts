import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuBackend } from '../../src/tensor';
import { initCpuBackend, keep, scopeDepth, ShapeError, tidy, type Tensor } from '../../src/tensor';

let be: CpuBackend;
beforeAll(async () => {
  be = await initCpuBackend();
});

const arr = async (t: Tensor) => Array.from(await t.data());

describe('cpu backend: values by hand', () => {
  it('creates, reads and reshapes (views share storage)', async () => {
    const t = be.fromData([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    const v = t.reshape([3, -1]);
    expect(v.shape).toEqual([3, 2]);
    expect(await arr(v)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => t.reshape([4, 2])).toThrow(/reshape.*\[2, 3\].*\[4, 2\]/);
    expect(await arr(be.zeros([2]))).toEqual([0, 0]);
    expect(await arr(be.full([3], 2.5))).toEqual([2.5, 2.5, 2.5]);
    expect(await be.fromData(Int32Array.of(7, -3), [2]).toArray()).toEqual([7, -3]);
  });

  it('broadcasts binary ops numpy-style', async () => {
    const a = be.fromData([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(await arr(be.binary('add', a, be.fromData([10, 20, 30], [3])))).toEqual([11, 22, 33, 14, 25, 36]);
    expect(await arr(be.binary('mul', a, be.fromData([2, 3], [2, 1])))).toEqual([2, 4, 6, 12, 15, 18]);
    const outer = be.binary('sub', be.fromData([1, 2], [2, 1]), be.fromData([1, 2, 3], [1, 3]));
    expect(outer.shape).toEqual([2, 3]);
    expect(await arr(outer)).toEqual([0, -1, -2, 1, 0, -1]);
    expect(() => be.binary('add', a, be.fromData([1, 2], [2]))).toThrow(/add: shapes \[2, 3\] and \[2\] cannot be broadcast/);
  });

  it('runs unary ops, affine and in-place axpy', async () => {
    const x = be.fromData([-1, 0, 2], [3]);
    expect(await arr(be.unary('relu', x))).toEqual([0, 0, 2]);
    expect(await arr(be.unary('square', x))).toEqual([1, 0, 4]);
    expect((await arr(be.unary('sigmoid', x)))[1]).toBe(0.5);
    expect(await arr(be.affine(x, 2, 1))).toEqual([-1, 1, 5]);
    const acc = be.fromData([1, 1, 1], [3]);
    be.addScaledInPlace(acc, x, 0.5);
    expect(await arr(acc)).toEqual([0.5, 1, 2]);
    // logsigmoid stays finite where exp overflows.
    expect(await arr(be.unary('logsigmoid', be.fromData([-1e4, 1e4], [2])))).toEqual([-1e4, 0]);
  });

  it('reduces over axes, with and without kept dims', async () => {
    const x = be.fromData([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(await arr(be.reduce('sum', x, [1], false))).toEqual([6, 15]);
    expect(be.reduce('sum', x, [1], true).shape).toEqual([2, 1]);
    expect(await arr(be.reduce('mean', x, [0], false))).toEqual([2.5, 3.5, 4.5]);
    expect(await arr(be.reduce('max', x, [-1], false))).toEqual([3, 6]);
    expect(await arr(be.reduce('sum', x, [0, 1], false))).toEqual([21]);
    expect(await arr(be.sumTo(x, [3]))).toEqual([5, 7, 9]);
    expect(await arr(be.sumTo(x, [2, 1]))).toEqual([6, 15]);
    expect(await arr(be.sumOfSquares([x, be.fromData([2], [1])]))).toEqual([95]);
    expect(() => be.reduce('sum', x, [2], false)).toThrow(/axis 2 out of range for rank 2/);
  });

  it('computes softmax and log-softmax stably', async () => {
    const y = await arr(be.softmax(be.fromData([0, Math.log(3), 1e4, 1e4], [2, 2])));
    expect(y[0]).toBeCloseTo(0.25, 7);
    expect(y[1]).toBeCloseTo(0.75, 7);
    expect(y.slice(2)).toEqual([0.5, 0.5]);
    const ly = await arr(be.logSoftmax(be.fromData([1e4, 1e4 - 1], [1, 2])));
    expect(ly[0]).toBeCloseTo(-Math.log1p(Math.exp(-1)), 4);
  });

  it('permutes, slices, concatenates, broadcasts and casts', async () => {
    const x = be.fromData([1, 2, 3, 4, 5, 6], [2, 3]);
    const t = be.permute(x, [1, 0]);
    expect(t.shape).toEqual([3, 2]);
    expect(await arr(t)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(await arr(be.slice(x, 1, 1, 3))).toEqual([2, 3, 5, 6]);
    expect(await arr(be.concat([x, be.fromData([7, 8], [2, 1])], 1))).toEqual([1, 2, 3, 7, 4, 5, 6, 8]);
    expect(await arr(be.concat([x, be.fromData([7, 8, 9], [1, 3])], 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await arr(be.broadcastTo(be.fromData([1, 2], [2, 1]), [2, 2]))).toEqual([1, 1, 2, 2]);
    const ints = be.cast(be.fromData([1.7, -2.7], [2]), 'i32');
    expect(ints.dtype).toBe('i32');
    expect(await arr(ints)).toEqual([1, -2]);
    expect(() => be.permute(x, [0, 0])).toThrow(/permute: \[0, 0\] is not a permutation of the axes of \[2, 3\]/);
    expect(() => be.slice(x, 0, 1, 3)).toThrow(/slice: \[1, 3\) is out of range for axis 0 of \[2, 3\]/);
  });

  it('matmul with batches, transposes and a shared B, naming shapes on mismatch', async () => {
    const a = be.fromData([1, 2, 3, 4, 5, 6], [1, 2, 3]);
    const b = be.fromData([1, 0, 0, 1, 1, 1], [3, 2]);
    expect(await arr(be.matmul(a, b))).toEqual([4, 5, 10, 11]);
    const bt = be.fromData([1, 0, 1, 0, 1, 1], [2, 3]);
    expect(await arr(be.matmul(a, bt, { transB: true }))).toEqual([4, 5, 10, 11]);
    expect(be.matmul(be.fromData([1, 2, 3, 4, 5, 6], [3, 2]), b.reshape([3, 2]), { transA: true }).shape).toEqual([2, 2]);
    expect(() => be.matmul(a, be.zeros([2, 2]))).toThrow(ShapeError);
    expect(() => be.matmul(a, be.zeros([2, 2]))).toThrow(/\[1, 2, 3\].*\[2, 2\]/);
  });
});

describe('memory scopes', () => {
  it('tidy disposes what it does not return or keep, and nests', () => {
    const before = be.memory().liveStorages;
    let kept: Tensor | undefined;
    const result = tidy(() => {
      const a = be.fromData([1, 2], [2]);
      kept = keep(be.affine(a, 2, 0));
      const inner = tidy(() => be.binary('add', a, a));
      expect(scopeDepth()).toBe(1);
      return { sum: be.binary('add', inner, a) };
    });
    expect(scopeDepth()).toBe(0);
    expect(result.sum.isDisposed).toBe(false);
    expect(kept?.isDisposed).toBe(false);
    expect(be.memory().liveStorages).toBe(before + 2);
    result.sum.dispose();
    kept?.dispose();
    expect(be.memory().liveStorages).toBe(before);
  });

  it('disposes on throw, and a disposed tensor refuses use', async () => {
    const before = be.memory().liveStorages;
    let leaked: Tensor | undefined;
    expect(() =>
      tidy(() => {
        leaked = be.zeros([3]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(be.memory().liveStorages).toBe(before);
    expect(() => be.unary('exp', leaked as Tensor)).toThrow(/was disposed/);
  });

  it('frees storage only when the last view goes', () => {
    const before = be.memory().liveStorages;
    const a = be.zeros([4]);
    const v = a.reshape([2, 2]);
    a.dispose();
    expect(be.memory().liveStorages).toBe(before + 1);
    v.dispose();
    expect(be.memory().liveStorages).toBe(before);
  });
});
