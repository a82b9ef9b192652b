import { describe, expect, it } from 'vitest';
import embeddingWgsl from '../../shaders/embedding.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { embeddingCheck, embeddingGpu } from '../../src/tensor/checks/embedding';
import { Rng } from '../../src/util/rng';
import { expectAllOk, expectCaught } from '../helpers/kernel-check';
import { testGpu } from '../helpers/node-gpu';

describe('embedding on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(embeddingCheck);
  });

  it('gather and scatter-add backward match the CPU reference', async () => {
    expectAllOk(await embeddingCheck.run(await testGpu()), 16);
  });

  it('gives bit-identical gradients on repeated runs (no atomics in the sums)', async () => {
    const ctx = await testGpu();
    const rng = new Rng(5);
    const s = { v: 8, c: 16, n: 200 };
    const ids = Int32Array.from({ length: s.n }, () => rng.int(3));
    const table = rng.float32(s.v * s.c);
    const dy = rng.float32(s.n * s.c);
    const a = await embeddingGpu(ctx, table, ids, dy, s);
    const b = await embeddingGpu(ctx, table, ids, dy, s);
    expect([...a.dtable]).toEqual([...b.dtable]);
  });

  it('catches broken token chains', async () => {
    const ctx = await testGpu();
    await expectCaught(ctx, embeddingCheck, embeddingWgsl, 'atomicMin(&heads', 'atomicMax(&heads', /: dtable$/);
    await expectCaught(ctx, embeddingCheck, embeddingWgsl, 'var m = n + 1u', 'var m = n + 2u', /padding token.*: dtable$/);
  });
});
