// saxpy (out = a * x + y): the first kernel, end to end. The CPU reference defines the result;
// the WebGPU version must match it. Shader: shaders/saxpy.wgsl.
import saxpyWgsl from '../../../shaders/saxpy.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { grid1d } from './dispatch';

export const SAXPY_WORKGROUP_SIZE = 256;

function checkLengths(x: Float32Array, y: Float32Array): void {
  if (x.length !== y.length) {
    throw new RangeError(`saxpy: x has shape [${x.length}] but y has shape [${y.length}]`);
  }
}

/** CPU reference. */
export function saxpyCpu(a: number, x: Float32Array, y: Float32Array): Float32Array {
  checkLengths(x, y);
  const out = new Float32Array(x.length);
  const af = Math.fround(a);
  // Math.fround after each op reproduces f32 arithmetic exactly (no fused multiply-add).
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(Math.fround(af * x[i]) + y[i]);
  return out;
}

/** WebGPU version; `shaderCode` is overridable so tests can prove a wrong kernel is caught. */
export async function saxpyGpu(
  ctx: GpuContext,
  a: number,
  x: Float32Array,
  y: Float32Array,
  shaderCode: string = saxpyWgsl,
): Promise<Float32Array> {
  checkLengths(x, y);
  const n = x.length;
  if (n === 0) return new Float32Array(0);
  const { device } = ctx;
  return ctx.scoped('running saxpy', async () => {
    const grid = grid1d(n, SAXPY_WORKGROUP_SIZE, ctx.report.limits.maxComputeWorkgroupsPerDimension);
    const xb = ctx.createStorageBuffer('saxpy:x', x);
    const yb = ctx.createStorageBuffer('saxpy:y', y);
    const out = ctx.createBuffer('saxpy:out', n * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const params = ctx.createBuffer('saxpy:params', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const p = new ArrayBuffer(16);
    new Float32Array(p, 0, 1)[0] = a;
    new Uint32Array(p, 4, 2).set([n, grid.row]);
    device.queue.writeBuffer(params, 0, p);

    const pipeline = ctx.pipelines.get('saxpy', shaderCode, { WG: SAXPY_WORKGROUP_SIZE });
    const bindGroup = device.createBindGroup({
      label: 'saxpy',
      layout: pipeline.getBindGroupLayout(0),
      entries: [xb, yb, out, params].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = device.createCommandEncoder({ label: 'saxpy' });
    const pass = encoder.beginComputePass({ label: 'saxpy' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid.x, grid.y);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const result = await ctx.readFloat32(out, n);
    for (const b of [xb, yb, out, params]) b.destroy();
    return result;
  });
}
