// Every backward rule in src/autograd/rules.ts against finite differences on the cpu backend.
// Tolerance (gradcheck defaults): |analytic - numeric| <= 1e-4 * max(1, max|numeric|) + 1e-3 * |numeric|,
// numeric = Richardson-extrapolated central differences (h = 1e-2 * max(1, |x|)) of a weighted
// sum of the f32 outputs accumulated in f64.
import { beforeAll, describe, expect, it } from 'vitest';
import * as ag from '../../src/autograd';
import { gradcheck, RULES, type GradcheckInput, type OpName } from '../../src/autograd';
import { initCpuBackend, type Backend, type Tensor } from '../../src/tensor';
import { Rng } from '../../src/util/rng';

let be: Backend;
beforeAll(async () => {
  be = await initCpuBackend();
});

const rng = new Rng(99);
const f32 = (shape: number[], lo = -1, hi = 1): GradcheckInput => ({ data: rng.float32(shape.reduce((a, b) => a * b, 1), { uniform: [lo, hi] }), shape });
const covered = new Set<OpName>();

async function check(ops: OpName[], f: (...xs: Tensor[]) => Tensor, inputs: GradcheckInput[], options = {}): Promise<void> {
  for (const op of ops) covered.add(op);
  const r = await gradcheck(be, f, inputs, options);
  expect(r.ok, r.messages.join('\n')).toBe(true);
}

describe('backward rules pass finite differences', () => {
  it('add, sub, mul, div with broadcasting', async () => {
    await check(['add'], (a, b) => ag.add(a, b), [f32([3, 4]), f32([4])]);
    await check(['sub'], (a, b) => ag.sub(a, b), [f32([3, 1]), f32([1, 5])]);
    await check(['mul'], (a, b) => ag.mul(a, b), [f32([2, 3, 4]), f32([3, 1])]);
    await check(['div'], (a, b) => ag.div(a, b), [f32([2, 5]), f32([2, 1], 0.5, 2)]);
    // The same tensor on both sides: gradients from both uses are summed.
    await check(['mul'], (a) => ag.mul(a, a), [f32([6])]);
  });

  it('every unary op, and affine', async () => {
    const domains: Record<string, [number, number]> = { log: [0.3, 3], sqrt: [0.3, 3], rsqrt: [0.3, 3], reciprocal: [0.5, 3] };
    for (const op of ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'square', 'tanh', 'sigmoid', 'logsigmoid', 'silu', 'gelu', 'reciprocal'] as const) {
      const [lo, hi] = domains[op] ?? [-2, 2];
      await check(['unary'], (x) => ag.unary(op, x), [f32([7], lo, hi)]);
    }
    // abs and relu away from their kink at 0.
    const away = { data: Float32Array.of(-1.5, -0.7, 0.4, 1.2, 2.2), shape: [5] };
    await check(['unary'], (x) => ag.abs(x), [away]);
    await check(['unary'], (x) => ag.relu(x), [away]);
    await check(['affine'], (x) => ag.affine(x, -2.5, 0.75), [f32([4])]);
  });

  it('layout: reshape, permute, transpose, slice, concat, broadcastTo', async () => {
    await check(['reshape'], (x) => ag.mul(ag.reshape(x, [3, 2]), ag.reshape(x, [3, 2])), [f32([2, 3])]);
    await check(['permute'], (x) => ag.square(ag.permute(x, [2, 0, 1])), [f32([2, 3, 4])]);
    await check(['permute'], (x) => ag.square(ag.transpose(x)), [f32([3, 4])]);
    await check(['slice'], (x) => ag.square(ag.slice(x, 1, 1, 3)), [f32([2, 4])]);
    await check(['slice'], (x) => ag.square(ag.slice(x, 0, 0, 2)), [f32([2, 4])]);
    await check(['concat'], (a, b) => ag.square(ag.concat([a, b, a], 1)), [f32([2, 2]), f32([2, 3])]);
    await check(['broadcastTo'], (x) => ag.square(ag.broadcastTo(x, [3, 2, 4])), [f32([2, 1])]);
  });

  it('sum, mean (over axes, kept dims or not), softmax, log-softmax', async () => {
    await check(['sum'], (x) => ag.square(ag.sum(x, 1)), [f32([3, 4])]);
    await check(['sum'], (x) => ag.square(ag.sum(x, [0, 2], true)), [f32([2, 3, 4])]);
    await check(['mean'], (x) => ag.square(ag.mean(x, -1, true)), [f32([3, 5])]);
    await check(['mean'], (x) => ag.square(ag.mean(x)), [f32([3, 5])]);
    await check(['softmax'], (x) => ag.softmax(x), [f32([3, 6], -3, 3)]);
    await check(['logSoftmax'], (x) => ag.logSoftmax(x), [f32([3, 6], -3, 3)]);
  });

  it('matmul: plain, transposed operands, batches, a shared (Linear) weight', async () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = transA ? [2, 4, 3] : [2, 3, 4];
        const b = transB ? [2, 5, 4] : [2, 4, 5];
        await check(['matmul'], (x, y) => ag.matmul(x, y, { transA, transB }), [f32(a), f32(b)]);
        await check(['matmul'], (x, y) => ag.matmul(x, y, { transA, transB }), [f32(a), f32(b.slice(1))]);
      }
    }
    await check(['matmul'], (x, y) => ag.matmul(x, y), [f32([3, 4]), f32([4, 2])]);
    await check(['matmul'], (x, y) => ag.matmul(x, y, { transB: true }), [f32([2, 2, 3, 4]), f32([5, 4])]);
  });

  it('rmsNorm and layerNorm (input and weights)', async () => {
    await check(['rmsNorm'], (x, w) => ag.rmsNorm(x, w, 1e-5), [f32([3, 8]), f32([8], 0.5, 1.5)]);
    await check(['layerNorm'], (x, w, b) => ag.layerNorm(x, w, b, 1e-5), [f32([3, 8]), f32([8], 0.5, 1.5), f32([8])]);
  });
});

describe('attention-block rules pass finite differences', () => {
  const i32 = (values: number[], shape: number[]): GradcheckInput => ({ data: Int32Array.from(values), shape });

  it('rope in both layouts, shared and per-batch positions', async () => {
    await check(['rope'], (x, p) => ag.rope(x, p, 10000), [f32([2, 2, 3, 4]), i32([0, 1, 2], [3])]);
    await check(['rope'], (x, p) => ag.rope(x, p, 500, 'BTHD'), [f32([2, 3, 2, 4]), i32([3, 4, 5, 0, 1, 2], [2, 3])]);
  });

  it('embedding (repeated and unused ids)', async () => {
    await check(['embedding'], (table, ids) => ag.square(ag.embedding(table, ids)), [f32([6, 3]), i32([1, 4, 1, 0, 4, 4], [2, 3])]);
  });

  it('cross-entropy (with an ignored row) and log-prob gathering', async () => {
    await check(['crossEntropy'], (l, t) => ag.crossEntropy(l, t), [f32([4, 7], -3, 3), i32([2, -100, 6, 0], [4])]);
    await check(['crossEntropy'], (l, t) => ag.crossEntropy(l, t, 3), [f32([3, 5], -3, 3), i32([3, 1, 4], [3])]);
    await check(['gatherLogProbs'], (l, t) => ag.gatherLogProbs(l, t), [f32([4, 7], -3, 3), i32([2, 5, 6, 0], [4])]);
  });

  it('attention: causal, grouped KV heads, key padding, BTHD', async () => {
    const opts = { causal: true };
    await check(['attention'], (q, k, v) => ag.attention(q, k, v, opts), [f32([1, 4, 3, 4]), f32([1, 2, 3, 4]), f32([1, 2, 3, 4])]);
    const mask = be.fromData(Int32Array.of(0, 1, 1, 1, 1, 1, 1, 0), [2, 4]);
    await check(['attention'], (q, k, v) => ag.attention(q, k, v, { causal: false, keyMask: mask, scale: 0.7 }), [f32([2, 2, 3, 2]), f32([2, 1, 4, 2]), f32([2, 1, 4, 2])]);
    await check(['attention'], (q, k, v) => ag.attention(q, k, v, { causal: true, layout: 'BTHD' }), [f32([2, 3, 2, 4]), f32([2, 3, 1, 4]), f32([2, 3, 1, 4])]);
  });
});

describe('the tape', () => {
  it('gradcheck fails a rule that is off by 1%', async () => {
    const original = RULES.affine;
    const table = RULES as Record<string, unknown>;
    table.affine = ((node: { saved: { scale: number }; output: Tensor }, gy: Tensor) => [be.affine(gy, node.saved.scale * 1.01, 0)]) as unknown;
    try {
      const r = await gradcheck(be, (x) => ag.affine(x, 3, 0), [f32([5])]);
      expect(r.ok).toBe(false);
    } finally {
      table.affine = original;
    }
  });

  it('has a finite-difference test for every rule in the table', () => {
    expect((Object.keys(RULES) as OpName[]).filter((op) => !covered.has(op))).toEqual([]);
  });

  it('noGrad records nothing; frozen parameters get no gradient', async () => {
    const w = ag.parameter(be.fromData([1, 2], [2]), 'w');
    const v = ag.parameter(be.fromData([3, 4], [2]), 'v');
    const y = ag.noGrad(() => ag.mul(w, v));
    expect(y.requiresGrad).toBe(false);
    expect(() => ag.backward(ag.sum(y))).toThrow(/does not depend on any tensor that requires grad/);
    ag.freeze(v);
    ag.backward(ag.sum(ag.mul(w, v)));
    expect(Array.from(await w.grad!.data())).toEqual([3, 4]);
    expect(v.grad).toBeNull();
    // A second backward accumulates into .grad; zeroGrad clears it.
    ag.backward(ag.sum(ag.mul(w, v)));
    expect(Array.from(await w.grad!.data())).toEqual([6, 8]);
    ag.zeroGrad([w, v]);
    expect(w.grad).toBeNull();
  });

  it('keeps gradients of two parameters that received the same tensor separate', async () => {
    const a = ag.parameter(be.fromData([1, 1], [2]));
    const b = ag.parameter(be.fromData([1, 1], [2]));
    ag.backward(ag.sum(ag.add(a, b)));
    ag.backward(ag.sum(ag.scale(a, 2)));
    expect(Array.from(await a.grad!.data())).toEqual([3, 3]);
    expect(Array.from(await b.grad!.data())).toEqual([1, 1]);
  });
});
