import { describe, expect, it } from 'vitest';
import { fastMatmulUsesWasm, initFastMatmul, matmulFast } from '../../src/tensor/cpu/matmul-fast';
import { matmulKernelWasm, SHARED_MAX_PAGES } from '../../src/tensor/cpu/matmul-fast-wasm';
import { compareMatmul, MATMUL_CASES, matmulInputs } from '../../src/tensor/checks/matmul';
import { matmulCpu, MatmulShapeError } from '../../src/tensor/kernels/matmul';
import { Rng } from '../../src/util/rng';

describe('matmulCpu (reference)', () => {
  const a = new Float32Array([1, 2, 3, 4, 5, 6]); // [2, 3]
  const b = new Float32Array([7, 8, 9, 10, 11, 12]); // [3, 2]

  it('multiplies a 2x3 by a 3x2 matrix', () => {
    expect([...matmulCpu(a, b, { batch: 1, m: 2, n: 2, k: 3 })]).toEqual([58, 64, 139, 154]);
  });

  it('reads transposed operands', () => {
    // A^T as stored [3, 2] = [[1, 4], [2, 5], [3, 6]]; B^T as stored [2, 3] = [[7, 9, 11], [8, 10, 12]].
    const at = new Float32Array([1, 4, 2, 5, 3, 6]);
    const bt = new Float32Array([7, 9, 11, 8, 10, 12]);
    expect([...matmulCpu(at, b, { batch: 1, m: 2, n: 2, k: 3, transA: true })]).toEqual([58, 64, 139, 154]);
    expect([...matmulCpu(a, bt, { batch: 1, m: 2, n: 2, k: 3, transB: true })]).toEqual([58, 64, 139, 154]);
    expect([...matmulCpu(at, bt, { batch: 1, m: 2, n: 2, k: 3, transA: true, transB: true })]).toEqual([58, 64, 139, 154]);
  });

  it('batches, and shares a broadcast operand across the batch', () => {
    const a2 = new Float32Array([...a, ...a.map((x) => -x)]);
    expect([...matmulCpu(a2, b, { batch: 2, m: 2, n: 2, k: 3, broadcastB: true })]).toEqual([58, 64, 139, 154, -58, -64, -139, -154]);
    const b2 = new Float32Array([...b, ...b.map((x) => 2 * x)]);
    expect([...matmulCpu(a, b2, { batch: 2, m: 2, n: 2, k: 3, broadcastA: true })]).toEqual([58, 64, 139, 154, 116, 128, 278, 308]);
  });

  it('gives zeros when k = 0 and nothing when m = 0', () => {
    expect([...matmulCpu(new Float32Array(0), new Float32Array(0), { batch: 1, m: 2, n: 2, k: 0 })]).toEqual([0, 0, 0, 0]);
    expect(matmulCpu(new Float32Array(0), new Float32Array(6), { batch: 1, m: 0, n: 2, k: 3 })).toHaveLength(0);
  });

  it('names both operand shapes and the op on mismatch', () => {
    expect(() => matmulCpu(a, b, { batch: 1, m: 2, n: 3, k: 3 })).toThrow(MatmulShapeError);
    expect(() => matmulCpu(a, b, { batch: 1, m: 2, n: 3, k: 3, transB: true })).toThrow(
      'matmul: A has 6 elements and B has 6, but shape A [1, 2, 3] @ B [1, 3, 3] (transposed) needs 6 and 9',
    );
    expect(() => matmulCpu(a, b, { batch: 1, m: 2, n: 2, k: 1.5 })).toThrow(/k must be a non-negative integer/);
  });
});

describe('matmulFast (CPU backend)', () => {
  it('matches the reference on every kernel-check case', async () => {
    await initFastMatmul();
    const rng = new Rng(99);
    for (const c of MATMUL_CASES) {
      const { a, b } = matmulInputs(c, rng);
      const r = compareMatmul(c.name, 'matmulFast', a, b, c.shape, matmulFast(a, b, c.shape));
      expect(r, `${c.name}: max error ${r.maxAbsError}`).toMatchObject({ ok: true });
    }
  });

  it('matches the reference on larger, odd and transformer-like shapes', async () => {
    await initFastMatmul();
    const rng = new Rng(7);
    const shapes = [
      { batch: 1, m: 67, n: 131, k: 259 },
      { batch: 1, m: 128, n: 96, k: 64, transB: true },
      { batch: 2, m: 33, n: 100, k: 77, transA: true, broadcastB: true },
      { batch: 3, m: 16, n: 16, k: 8, transA: true, transB: true },
      { batch: 2, m: 5, n: 260, k: 64, broadcastA: true },
      { batch: 1, m: 1, n: 513, k: 300 },
      // Taller than one row chunk (256), and a shared B folded into one tall product.
      { batch: 1, m: 300, n: 20, k: 10 },
      { batch: 3, m: 100, n: 12, k: 9, broadcastB: true },
    ];
    for (const shape of shapes) {
      const a = rng.float32((shape.broadcastA ? 1 : shape.batch) * shape.m * shape.k);
      const b = rng.float32((shape.broadcastB ? 1 : shape.batch) * shape.k * shape.n);
      const r = compareMatmul(JSON.stringify(shape), 'matmulFast', a, b, shape, matmulFast(a, b, shape));
      expect(r, `${r.case}: max error ${r.maxAbsError}`).toMatchObject({ ok: true });
    }
  });

  it('writes into a given output and overwrites what was there', async () => {
    await initFastMatmul();
    const out = new Float32Array(4).fill(123);
    const res = matmulFast(new Float32Array([1, 2, 3, 4]), new Float32Array([1, 0, 0, 1]), { batch: 1, m: 2, n: 2, k: 2 }, out);
    expect(res).toBe(out);
    expect([...out]).toEqual([1, 2, 3, 4]);
    expect(() => matmulFast(new Float32Array(4), new Float32Array(4), { batch: 1, m: 2, n: 2, k: 2 }, new Float32Array(3))).toThrow(
      /out has 3 elements/,
    );
  });

  it('propagates NaN and Inf like the reference', async () => {
    await initFastMatmul();
    const a = new Float32Array([0, 1, NaN, 1]);
    const b = new Float32Array([Infinity, 1, 1, 1]);
    const out = matmulFast(a, b, { batch: 1, m: 2, n: 2, k: 2 });
    expect([...out].map((x) => (Number.isNaN(x) ? 'nan' : x))).toEqual(['nan', 1, 'nan', 'nan']);
  });
});

describe('the WebAssembly micro-kernel', () => {
  it('is what Node runs', async () => {
    await initFastMatmul();
    expect(fastMatmulUsesWasm()).toBe(true);
  });

  it.each([
    [4, 2, 'splat', false],
    [6, 2, 'splat', false],
    [4, 3, 'splat', false],
    [1, 1, 'splat', false],
    // The threaded kernel's form: a shared memory, A's 4 values of a step in one vector load.
    [4, 2, 'vector', true],
    [4, 3, 'vector', false],
  ] as const)('MR=%i NV=%i (A load %s, shared memory %s) computes packed tiles exactly', (MR, NV, aLoad, shared) => {
    const NR = 4 * NV;
    const bytes = matmulKernelWasm({ MR, NV }, shared, false, aLoad);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = shared ? new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true }) : new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
    const kernel = instance.exports.kernel as (...args: number[]) => void;
    const f = new Float32Array(memory.buffer);
    const k = 3;
    const mPanels = 2;
    const nPanels = 2;
    const ldc = nPanels * NR + 1; // a padded row stride must be respected
    // Small integers: every product and sum is exact in f32.
    const rng = new Rng(5);
    const bOff = 0;
    const aOff = nPanels * k * NR;
    const cOff = aOff + mPanels * k * MR;
    for (let i = 0; i < aOff; i++) f[bOff + i] = rng.int(7) - 3;
    for (let i = 0; i < mPanels * k * MR; i++) f[aOff + i] = rng.int(7) - 3;
    f.fill(NaN, cOff, cOff + mPanels * MR * ldc);
    kernel(aOff * 4, bOff * 4, cOff * 4, mPanels, nPanels, k, ldc);
    for (let i = 0; i < mPanels * MR; i++) {
      for (let j = 0; j < nPanels * NR; j++) {
        let want = 0;
        const ip = Math.floor(i / MR);
        const jp = Math.floor(j / NR);
        for (let p = 0; p < k; p++) want += f[aOff + (ip * k + p) * MR + (i % MR)] * f[bOff + (jp * k + p) * NR + (j % NR)];
        expect(f[cOff + i * ldc + j]).toBe(want);
      }
      expect(f[cOff + i * ldc + nPanels * NR]).toBeNaN(); // padding left alone
    }
  });
});
