import { describe, expect, it } from 'vitest';
import matmulWgsl from '../../shaders/matmul.wgsl?raw';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { matmulCheck } from '../../src/tensor/kernels/matmul-check';
import { encodeMatmul, matmulGpu } from '../../src/tensor/kernels/matmul';
import { testGpu } from '../helpers/node-gpu';

describe('matmul on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(matmulCheck);
  });

  it('matches the CPU reference on ragged, transposed, batched, shared-B and extreme inputs', async () => {
    const ctx = await testGpu();
    const results = await matmulCheck.run(ctx);
    for (const r of results) expect(r, `${r.case}: max error ${r.maxAbsError}`).toMatchObject({ ok: true });
    expect(results.length).toBeGreaterThanOrEqual(15);
  });

  it('catches a deliberately wrong kernel', async () => {
    const ctx = await testGpu();
    // Drop the last term of every tile's dot product.
    const wrong = matmulWgsl.replace(/for \(var p = 0u; p < TK; p\+\+\)/, 'for (var p = 1u; p < TK; p++)');
    expect(wrong).not.toBe(matmulWgsl);
    const results = await matmulCheck.run(ctx, { shaderCode: wrong });
    const failed = results.filter((r) => !r.ok).map((r) => r.case);
    // Only k=0 (nothing to drop) can still pass.
    expect(failed.length).toBe(results.length - 1);
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
