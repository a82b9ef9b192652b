import { describe, expect, it } from 'vitest';
import { acquireGpu, DeviceLostError, GpuValidationError, REPORTED_LIMITS } from '../../src/gpu';
import { nodeGpu } from '../../src/gpu/node';
import { testGpu } from '../helpers/node-gpu';

describe('a real Dawn device', () => {
  it('reports the adapter, features and limits', async () => {
    const { report } = await testGpu();
    expect(report.summary.length).toBeGreaterThan(0);
    expect(report.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(report.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
    expect(Array.isArray(report.features)).toBe(true);
  });

  it('requests a device that allows every limit the report lists (kernels size their work by it)', async () => {
    const ctx = await testGpu();
    for (const name of REPORTED_LIMITS) expect(Number(ctx.device.limits[name]), name).toBe(ctx.report.limits[name]);
  });

  it('caches pipelines by shader, source and overrides', async () => {
    const ctx = await testGpu();
    const code = 'override WG: u32 = 64; @compute @workgroup_size(WG) fn main() {}';
    const a = ctx.pipelines.get('noop', code, { WG: 64 });
    expect(ctx.pipelines.get('noop', code, { WG: 64 })).toBe(a);
    expect(ctx.pipelines.get('noop', code, { WG: 32 })).not.toBe(a);
  });

  it('turns a validation error into GpuValidationError naming the work', async () => {
    const ctx = await testGpu();
    await expect(
      ctx.scoped('binding a too-small buffer', () => {
        const code = '@group(0) @binding(0) var<storage, read_write> b: array<f32, 64>; @compute @workgroup_size(1) fn main() { b[0] = 1.0; }';
        const pipeline = ctx.pipelines.get('needs-256-bytes', code);
        const small = ctx.createBuffer('small', 4, GPUBufferUsage.STORAGE);
        ctx.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: small } }] });
      }),
    ).rejects.toThrow(GpuValidationError);
  });

  it('reports a lost device as DeviceLostError and refuses further work', async () => {
    const ctx = await acquireGpu({ gpu: await nodeGpu(), timeoutMs: 30_000 });
    const lost = new Promise<DeviceLostError>((resolve) => ctx.onLost(resolve));
    ctx.device.destroy();
    const error = await lost;
    expect(error).toBeInstanceOf(DeviceLostError);
    expect(error.message).toMatch(/destroyed/);
    expect(() => ctx.createBuffer('after-loss', 16, GPUBufferUsage.STORAGE)).toThrow(DeviceLostError);
  });
});
