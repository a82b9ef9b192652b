import { describe, expect, it } from 'vitest';
import matmulVec4Wgsl from '../../shaders/matmul-vec4.wgsl?raw';
import matmulWgsl from '../../shaders/matmul.wgsl?raw';
import matvecSubgroupsWgsl from '../../shaders/matvec-subgroups.wgsl?raw';
import { GpuContext } from '../../src/gpu';
import { KERNEL_CHECKS } from '../../src/tensor/checks';
import { MATMUL_CASES, matmulCaseLoads, matmulCaseRunsMatvec, matmulCheck, matmulGpu, matmulInputs, compareMatmul } from '../../src/tensor/checks/matmul';
import { defaultMatmulLoads, defaultMatmulVariant, encodeMatmul, matmulVec4Eligible } from '../../src/tensor/kernels/matmul';
import { Rng } from '../../src/util/rng';
import { testGpu } from '../helpers/node-gpu';

describe('matmul on Dawn', () => {
  it('is registered with the kernel checks', () => {
    expect(KERNEL_CHECKS).toContain(matmulCheck);
  });

  it('matches the CPU reference on ragged, transposed, batched, shared-B and extreme inputs', async () => {
    const ctx = await testGpu();
    const results = await matmulCheck.run(ctx);
    for (const r of results) expect(r, `${r.case}: max error ${r.maxAbsError}`).toMatchObject({ ok: true });
    const runs = MATMUL_CASES.reduce((n, c) => n + matmulCaseLoads(c.shape).length, 0);
    const matvec = MATMUL_CASES.filter((c) => matmulCaseRunsMatvec(ctx, c.shape)).length;
    expect(results.length).toBe(2 * runs + matvec);
    // SwiftShader via Dawn has subgroups: the matvec variant runs here on every few-row case.
    expect(results.filter((r) => r.case.endsWith('[matvec, subgroups]')).length).toBe(matvec);
    if (ctx.hasFeature('subgroups')) expect(matvec).toBeGreaterThanOrEqual(8);
    // Aligned shapes of every transpose combination, ragged M, batches and shared B run vec4 too.
    expect(results.filter((r) => r.case.endsWith(', vec4]')).length).toBeGreaterThanOrEqual(2 * 10);
  });

  it.each([
    // Drop the last k of each vec4 step in the direct kernel (row-major A).
    ['direct', 'fma(vec4(x0.w), y3, c0)', 'c0'],
    // Stage the wrong component of a row-major A vec4 in the tiled kernel.
    ['tiled', 'As[(p4 + c) * (BM / 4u) + i / 4u][i % 4u] = v[c];', 'As[(p4 + c) * (BM / 4u) + i / 4u][i % 4u] = v[3u - c];'],
    // Transpose B's 4 x 4 block wrongly (transposed B, direct kernel).
    ['direct', 'y1 = vec4(t0.y, t1.y, t2.y, t3.y);', 'y1 = vec4(t0.y, t1.y, t3.y, t2.y);'],
  ] as const)('catches a deliberately wrong vec4 %s kernel', async (variant, from, to) => {
    const ctx = await testGpu();
    const wrong = matmulVec4Wgsl.replace(from, to);
    expect(wrong).not.toBe(matmulVec4Wgsl);
    const results = await matmulCheck.run(ctx, { variantCode: { 'matmul-vec4': wrong } });
    const failed = results.filter((r) => !r.ok).map((r) => r.case);
    expect(failed.length).toBeGreaterThan(0);
    for (const name of failed) expect(name).toMatch(new RegExp(`\\[${variant}, vec4\\]$`));
  });

  it('runs vec4 loads on aligned shapes only, and matches the scalar kernel and the CPU on them', async () => {
    const ctx = await testGpu();
    expect(ctx.variants.vec4).toBe('auto');
    expect(matmulVec4Eligible({ batch: 1, m: 3, n: 8, k: 12 })).toBe(true);
    expect(matmulVec4Eligible({ batch: 1, m: 3, n: 8, k: 12, transA: true })).toBe(false);
    expect(matmulVec4Eligible({ batch: 1, m: 4, n: 6, k: 12 })).toBe(false);
    expect(matmulVec4Eligible({ batch: 1, m: 4, n: 8, k: 10, transB: true })).toBe(false);
    const aligned = { batch: 1, m: 5, n: 8, k: 8 };
    // auto: vec4 in the tiled kernel (GPUs), scalar in the direct one (software adapters).
    expect(defaultMatmulLoads(ctx, aligned, 'tiled')).toBe('vec4');
    expect(defaultMatmulLoads(ctx, aligned, 'direct')).toBe('scalar');
    expect(defaultMatmulLoads(ctx, { batch: 1, m: 5, n: 7, k: 8 }, 'tiled')).toBe('scalar');
    const off = new GpuContext(ctx.adapter, ctx.device, ctx.report, { ...ctx.variants, vec4: 'off' });
    expect(defaultMatmulLoads(off, aligned, 'tiled')).toBe('scalar');
    const on = new GpuContext(ctx.adapter, ctx.device, ctx.report, { ...ctx.variants, vec4: 'on' });
    expect(defaultMatmulLoads(on, aligned, 'direct')).toBe('vec4');
    // The default path (no forced loads) of a device with vec4=on, on an aligned shape: the same values.
    const c = { name: 'default', shape: { batch: 2, m: 20, n: 24, k: 28, transB: true }, scale: 1 };
    const { a, b } = matmulInputs(c, new Rng(5));
    const auto = await matmulGpu(on, a, b, c.shape);
    expect(compareMatmul('auto', 'matmul', a, b, c.shape, auto).ok).toBe(true);
    const scalar = await matmulGpu(ctx, a, b, c.shape, { loads: 'scalar' });
    expect(compareMatmul('scalar', 'matmul', a, b, c.shape, scalar).ok).toBe(true);
  });

  it.each([
    ['skips the first lane of every dot product', 'for (var p = lane; p < k; p += size)', 'for (var p = lane + 1u; p < k; p += size)'],
    ['stores a lane\'s partial sum instead of the subgroup\'s', 'out[baseOut + r * n + col] = s;', 'out[baseOut + r * n + col] = acc[r];'],
    ['computes one column fewer per workgroup', 'if (j >= CPW || col >= n)', 'if (j + 1u >= CPW || col >= n)'],
  ])('catches a matvec variant that %s', async (_what, from, to) => {
    const ctx = await testGpu();
    if (!ctx.hasFeature('subgroups')) return;
    const wrong = matvecSubgroupsWgsl.replace(from, to);
    expect(wrong).not.toBe(matvecSubgroupsWgsl);
    const results = await matmulCheck.run(ctx, { variantCode: { 'matvec-subgroups': wrong } });
    const failed = results.filter((r) => !r.ok).map((r) => r.case);
    expect(failed.length).toBeGreaterThan(0);
    for (const name of failed) expect(name).toMatch(/\[matvec, subgroups\]$/);
  });

  it('picks matvec only when turned on, for few rows with B transposed; else the adapter\'s kernel', async () => {
    const ctx = await testGpu();
    const linear = { batch: 1, m: 16, n: 64, k: 64, transB: true };
    expect(ctx.variants.matvec).toBe(false);
    expect(defaultMatmulVariant(ctx, linear)).toBe(defaultMatmulVariant(ctx));
    if (!ctx.hasFeature('subgroups')) return;
    const on = new GpuContext(ctx.adapter, ctx.device, ctx.report, { ...ctx.variants, matvec: true });
    expect(defaultMatmulVariant(on, linear)).toBe('matvec');
    expect(defaultMatmulVariant(on, { ...linear, m: 17 })).toBe(defaultMatmulVariant(ctx));
    expect(defaultMatmulVariant(on, { ...linear, transB: false })).toBe(defaultMatmulVariant(ctx));
    // The default path of such a device on a Linear-shaped product: the matvec kernel, right values.
    const c = { name: 'linear', shape: { batch: 2, m: 3, n: 40, k: 33, transB: true, broadcastB: true }, scale: 1 };
    const { a, b } = matmulInputs(c, new Rng(8));
    expect(compareMatmul('matvec default', 'matmul', a, b, c.shape, await matmulGpu(on, a, b, c.shape)).ok).toBe(true);
  });

  it('refuses forced vec4 loads on a shape that is not aligned', async () => {
    const ctx = await testGpu();
    await expect(matmulGpu(ctx, new Float32Array(6), new Float32Array(6), { batch: 1, m: 2, n: 2, k: 3 }, { loads: 'vec4' })).rejects.toThrow(
      /vec4 loads need K and N multiples of 4/,
    );
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
