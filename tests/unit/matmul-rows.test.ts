// The cpu matmul's few-rows path (src/tensor/cpu/matmul-rows.ts): against the CPU reference on
// random inputs of odd shapes (every row count 1..16, k not a multiple of 4, the padding of the
// last block of B), what the dispatcher (matmulFast) sends to it and what it leaves on the packed
// path, a linear layer's gradient through it against finite differences, and on 2 threads the
// same bits as on 1 with the worker taking part.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ag from '../../src/autograd';
import { gradcheck } from '../../src/autograd';
import { compareMatmul } from '../../src/tensor/checks/matmul';
import { initFastMatmul, matmulFast, onPackedPath } from '../../src/tensor/cpu/matmul-fast';
import { fewRowsApplies, matmulFewRows, MAX_FEW_ROWS, MIN_THREADED_FEW_ROWS_MACS, setFewRowsThreads } from '../../src/tensor/cpu/matmul-rows';
import { cpuThreadWork, onOneThread, setCpuThreads, shutdownCpuThreads, startCpuThreads } from '../../src/tensor/cpu/thread-pool';
import type { MatmulShape } from '../../src/tensor/kernels/matmul-shape';
import { initCpuBackend, type Backend } from '../../src/tensor';
import { Rng } from '../../src/util/rng';

const rng = new Rng(1234);

function inputs(shape: MatmulShape): { a: Float32Array; b: Float32Array } {
  return {
    a: rng.float32((shape.broadcastA ? 1 : shape.batch) * shape.m * shape.k, { uniform: [-1, 1] }),
    b: rng.float32((shape.broadcastB ? 1 : shape.batch) * shape.k * shape.n, { uniform: [-1, 1] }),
  };
}

function fewRows(a: Float32Array, b: Float32Array, shape: MatmulShape): Float32Array {
  const out = new Float32Array(shape.batch * shape.m * shape.n).fill(Number.NaN);
  matmulFewRows(a, b, shape, out);
  return out;
}

beforeAll(async () => {
  await initFastMatmul();
});

describe('matmulFewRows', () => {
  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(fewRowsApplies({ batch: 1, m: 1, n: 8, k: 8, transB: true })).toBe(true);
  });

  it('matches the reference for every row count 1..16, k of every remainder mod 4, odd n', () => {
    for (let m = 1; m <= MAX_FEW_ROWS; m++) {
      for (const k of [1, 2, 3, 5, 8, 67, 130, 577]) {
        const n = [1, 3, 7, 13, 61, 130][(m + k) % 6];
        const shape = { batch: 1, m, n, k, transB: true };
        const { a, b } = inputs(shape);
        const r = compareMatmul(JSON.stringify(shape), 'matmulFewRows', a, b, shape, fewRows(a, b, shape));
        expect(r, `${r.case}: max error ${r.maxAbsError}`).toMatchObject({ ok: true });
      }
    }
  });

  it('streams a B of many blocks (n not a multiple of the block or of 4) and stacked batches', () => {
    const shapes: MatmulShape[] = [
      { batch: 1, m: 1, n: 4099, k: 576, transB: true },
      { batch: 1, m: 16, n: 1537, k: 250, transB: true },
      { batch: 3, m: 5, n: 333, k: 93, transB: true, broadcastB: true },
      { batch: 4, m: 1, n: 2050, k: 63, transB: true, broadcastB: true },
    ];
    for (const shape of shapes) {
      const { a, b } = inputs(shape);
      const r = compareMatmul(JSON.stringify(shape), 'matmulFewRows', a, b, shape, fewRows(a, b, shape));
      expect(r, `${r.case}: max error ${r.maxAbsError}`).toMatchObject({ ok: true });
    }
  });

  it('propagates NaN and Inf from A and B like the reference', () => {
    const shape = { batch: 1, m: 2, n: 5, k: 7, transB: true };
    const { a, b } = inputs(shape);
    a[3] = Number.NaN;
    b[2 * 7 + 1] = Number.POSITIVE_INFINITY;
    const out = fewRows(a, b, shape);
    expect(out[0]).toBeNaN(); // row 0 reads a[3]
    expect(out[5 + 0]).not.toBeNaN();
    expect(Math.abs(out[5 + 2])).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('the matmul dispatcher and the few-rows path', () => {
  it('sends few rows against a transposed shared B to it: the same bits as matmulFewRows, not the packed path', () => {
    for (const shape of [
      { batch: 1, m: 1, n: 1536, k: 577, transB: true },
      { batch: 2, m: 8, n: 300, k: 131, transB: true, broadcastB: true },
    ] satisfies MatmulShape[]) {
      const { a, b } = inputs(shape);
      const viaDispatcher = matmulFast(a, b, shape);
      const packed = onPackedPath(() => matmulFast(a, b, shape));
      expect(Array.from(viaDispatcher)).toEqual(Array.from(fewRows(a, b, shape)));
      // The two paths sum in different orders, so the check above can tell them apart.
      expect(Array.from(packed)).not.toEqual(Array.from(viaDispatcher));
      expect(compareMatmul('packed', 'matmulFast', a, b, shape, packed)).toMatchObject({ ok: true });
    }
  });

  it('leaves more rows, B not transposed, transposed A and per-batch B to the packed path (still correct)', () => {
    const shapes: MatmulShape[] = [
      { batch: 1, m: MAX_FEW_ROWS + 1, n: 70, k: 33, transB: true },
      { batch: 1, m: 3, n: 70, k: 33 },
      { batch: 1, m: 3, n: 70, k: 33, transA: true, transB: true },
      { batch: 2, m: 3, n: 70, k: 33, transB: true },
    ];
    for (const shape of shapes) {
      expect(fewRowsApplies(shape), JSON.stringify(shape)).toBe(false);
      const { a, b } = inputs(shape);
      const r = compareMatmul(JSON.stringify(shape), 'matmulFast', a, b, shape, matmulFast(a, b, shape));
      expect(r, `${r.case}: max error ${r.maxAbsError}`).toMatchObject({ ok: true });
    }
  });

  it("a linear layer's gradients through it pass finite differences", async () => {
    const be: Backend = await initCpuBackend();
    // 3 x 41 x 37 multiply-adds: above the JS loop's size, so the forward runs the few-rows kernel.
    const x = { data: rng.float32(3 * 37, { uniform: [-1, 1] }), shape: [3, 37] };
    const w = { data: rng.float32(41 * 37, { uniform: [-1, 1] }), shape: [41, 37] };
    expect(fewRowsApplies({ batch: 1, m: 3, n: 41, k: 37, transB: true })).toBe(true);
    const r = await gradcheck(be, (a, b) => ag.matmul(a, b, { transB: true }), [x, w]);
    expect(r.ok, r.messages.join('\n')).toBe(true);
  });
});

describe('the few-rows path on the cpu threads', () => {
  afterAll(() => {
    setFewRowsThreads(false);
    setCpuThreads('auto');
    shutdownCpuThreads();
  });

  it('computes the same bits on 2 threads as on 1, over many double-buffered blocks, and the worker takes part', async () => {
    setCpuThreads(2);
    expect(await startCpuThreads()).toMatchObject({ threads: 2 });
    setFewRowsThreads(true);
    const shapes: MatmulShape[] = [
      { batch: 1, m: 1, n: 3001, k: 577, transB: true }, // 14 blocks of 226 rows, k padded
      { batch: 1, m: 7, n: 2049, k: 576, transB: true },
      { batch: 2, m: 8, n: 1003, k: 130, transB: true, broadcastB: true },
    ];
    for (const shape of shapes) {
      expect(shape.batch * shape.m * shape.n * shape.k).toBeGreaterThanOrEqual(MIN_THREADED_FEW_ROWS_MACS);
      const { a, b } = inputs(shape);
      const one = onOneThread(() => fewRows(a, b, shape));
      const worked = () => cpuThreadWork()[1] ?? 0;
      const before = worked();
      let two = fewRows(a, b, shape);
      // A worker woken on a busy machine may find every task taken: repeat (bounded) until one ran.
      for (let i = 0; i < 400 && worked() === before; i++) two = fewRows(a, b, shape);
      expect(worked(), 'tasks the worker ran').toBeGreaterThan(before);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer)), JSON.stringify(shape)).toBe(true);
      const r = compareMatmul(JSON.stringify(shape), 'matmulFewRows (2 threads)', a, b, shape, two);
      expect(r, `${r.case}: max error ${r.maxAbsError}`).toMatchObject({ ok: true });
    }
  });
});
