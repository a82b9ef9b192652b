// The WebAssembly packer of the cpu matmul's panels (src/tensor/cpu/pack-wasm.ts, driven by
// packPanels in src/tensor/cpu/pack-panels.ts) writes exactly the panels of the JS reference
// (packA, packB) for every layout the matmul gives it: row-major and transposed A and B, a batch
// offset, widths that leave a partial last panel, and k that is not a multiple of the step block;
// on a plain and on a shared memory (the pool's).
import { describe, expect, it } from 'vitest';
import { packA, packB, packPanels, rawSpan } from '../../src/tensor/cpu/pack-panels';
import { instantiatePacker, packPanelsWasm } from '../../src/tensor/cpu/pack-wasm';
import { Rng } from '../../src/util/rng';

function setup(shared: boolean, W: number, floats: number) {
  const pages = Math.ceil((floats * 4) / 65536) + 1;
  const memory = shared ? new WebAssembly.Memory({ initial: pages, maximum: 32768, shared: true }) : new WebAssembly.Memory({ initial: pages });
  return { memory, pk: instantiatePacker(new WebAssembly.Module(packPanelsWasm(W, shared)), memory) };
}

describe('packPanels (WebAssembly packer)', () => {
  // [k, cols, batch offset]: cols a multiple of the width, one more, one less, fewer than one panel.
  const sizes: [number, number, number][] = [
    [5, 16, 0],
    [37, 17, 3],
    [300, 23, 11],
    [9, 3, 2],
    [1, 8, 0],
  ];
  for (const shared of [false, true]) {
    for (const W of [4, 8]) {
      it(`matches packB's panels (B row-major and transposed), width ${W}${shared ? ', shared memory' : ''}`, () => {
        const rng = new Rng(W);
        for (const [k, n, base] of sizes) {
          for (const transB of [false, true]) {
            const [rowB, colB] = transB ? [1, k] : [n, 1];
            const b = rng.float32(base + k * n);
            const panels = Math.ceil(n / W) * k * W;
            const { memory, pk } = setup(shared, W, 2 * panels + rawSpan(rowB, colB, k, n) + 64);
            const mem = new Float32Array(memory.buffer);
            mem.fill(NaN);
            packB(mem, b, base, rowB, colB, k, n, W);
            const want = mem.slice(0, panels);
            packPanels(pk, mem, panels, 2 * panels, b, base, rowB, colB, k, n, W);
            expect(mem.subarray(panels, 2 * panels), `k ${k} n ${n} transB ${transB}`).toEqual(want);
          }
        }
      });

      it(`matches packA's panels (A row-major and transposed), width ${W}${shared ? ', shared memory' : ''}`, () => {
        const rng = new Rng(10 + W);
        for (const [k, m, base] of sizes) {
          for (const transA of [false, true]) {
            const [rowA, colA] = transA ? [1, m] : [k, 1];
            const a = rng.float32(base + k * m);
            const panels = Math.ceil(m / W) * k * W;
            const { memory, pk } = setup(shared, W, 2 * panels + rawSpan(colA, rowA, k, m) + 64);
            const mem = new Float32Array(memory.buffer);
            mem.fill(NaN);
            packA(mem, 0, a, base, rowA, colA, m, k, W);
            const want = mem.slice(0, panels);
            packPanels(pk, mem, panels, 2 * panels, a, base, colA, rowA, k, m, W);
            expect(mem.subarray(panels, 2 * panels), `k ${k} m ${m} transA ${transA}`).toEqual(want);
          }
        }
      });
    }
  }

  it('packs a wide row-major B in blocks of steps, the same as in one pass', () => {
    // rs = 3000 floats: a block of 2 steps of every panel at a time, and a last block of 1.
    const k = 5;
    const n = 3000;
    const b = new Rng(3).float32(k * n);
    const panels = Math.ceil(n / 8) * k * 8;
    const { memory, pk } = setup(false, 8, 2 * panels + k * n);
    const mem = new Float32Array(memory.buffer);
    packB(mem, b, 0, n, 1, k, n, 8);
    const want = mem.slice(0, panels);
    packPanels(pk, mem, panels, 2 * panels, b, 0, n, 1, k, n, 8);
    expect(mem.subarray(panels, 2 * panels)).toEqual(want);
  });
});
