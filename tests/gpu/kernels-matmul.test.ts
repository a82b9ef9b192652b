import { describe, expect, it } from 'vitest';
import matmulWgsl from '../../shaders/matmul.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { MATMUL_CASES, matmulCheck, matmulGpu } from '../../src/tensor/checks/matmul';
import { defaultMatmulVariant, encodeMatmul } from '../../src/tensor/kernels/matmul';
import { testGpu } from '../helpers/node-gpu';

describe('matmul on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(matmulCheck);
  });

  it('matches the CPU reference on ragged, transposed, batched, shared-B and extreme inputs', async () => {
    const ctx = await testGpu();
    const results = await matmulCheck.run(ctx);
    for (const r of results) expect(r, `${r.case}: max error ${r.maxAbsError}`).toMatchObject({ ok: true });
    expect(results.length).toBe(2 * MATMUL_CASES.length);
  });

  it.each([
    // Drop the first term of every staged tile.
    ['tiled', /for \(var p = 0u; p < TK; p\+\+\)/, 'for (var p = 1u; p < TK; p++)'],
    // Use the wrong row of B for one of the four unrolled steps.
    ['direct', 'c0 = fma(vec4(a0.x), b0,', 'c0 = fma(vec4(a0.x), b1,'],
  ] as const)('catches a deliberately wrong %s kernel', async (variant, from, to) => {
    const ctx = await testGpu();
    const wrong = matmulWgsl.replace(from, to);
    expect(wrong).not.toBe(matmulWgsl);
    const results = await matmulCheck.run(ctx, { shaderCode: wrong });
    for (const r of results) {
      const big = MATMUL_CASES.find((c) => r.case.startsWith(c.name))!.shape.k >= 8;
      if (r.case.endsWith(`[${variant}]`) && big) expect(r.ok, r.case).toBe(false);
      if (!r.case.endsWith(`[${variant}]`)) expect(r.ok, r.case).toBe(true);
    }
  });

  it('picks the direct variant on a software adapter and runs both variants on request', async () => {
    const ctx = await testGpu();
    expect(defaultMatmulVariant(ctx)).toBe(ctx.report.isFallbackAdapter ? 'direct' : 'tiled');
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    for (const variant of ['tiled', 'direct'] as const) {
      expect([...(await matmulGpu(ctx, a, a, { batch: 1, m: 2, n: 2, k: 3, transB: true }, { variant }))]).toEqual([14, 32, 32, 77]);
    }
  });

  it('records several products into one encoder', async () => {
    const ctx = await testGpu();
    const a = new Float32Array([1, 2, 3, 4]);
    const ab = ctx.createStorageBuffer('t:a', a);
    const o1 = ctx.createBuffer('t:o1', 16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const o2 = ctx.createBuffer('t:o2', 16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const encoder = ctx.device.createCommandEncoder();
    encodeMatmul(ctx, encoder, ab, ab, o1, { batch: 1, m: 2, n: 2, k: 2 });
    encodeMatmul(ctx, encoder, ab, ab, o2, { batch: 1, m: 2, n: 2, k: 2, transB: true });
    ctx.device.queue.submit([encoder.finish()]);
    expect([...(await ctx.readFloat32(o1, 4))]).toEqual([7, 10, 15, 22]);
    expect([...(await ctx.readFloat32(o2, 4))]).toEqual([5, 11, 11, 25]);
  });

  it('rejects mismatched shapes naming both operands', async () => {
    const ctx = await testGpu();
    await expect(matmulGpu(ctx, new Float32Array(6), new Float32Array(7), { batch: 1, m: 2, n: 2, k: 3 })).rejects.toThrow(
      /A has 6 elements and B has 7.*A \[1, 2, 3\] @ B \[1, 3, 2\]/,
    );
  });
});
