// For the kernel checks (and tests): upload host arrays, let an encoder record, submit once, read
// the outputs back.
import type { GpuContext } from '../../gpu';

export type HostArray = Float32Array | Int32Array | Uint32Array;

/**
 * For checks and tests: uploads `inputs`, allocates zeroed `outputs` (element counts), lets
 * `encode` record into one encoder, submits, and reads every output back as Float32Array (callers
 * reinterpret integer outputs). Inputs are readable back too (in-place kernels), under their names.
 */
export async function runKernel<I extends string, O extends string>(
  ctx: GpuContext,
  label: string,
  inputs: Record<I, HostArray>,
  outputs: Record<O, number>,
  encode: (encoder: GPUCommandEncoder, buffers: Record<I | O, GPUBuffer>) => void,
  readInputs: readonly I[] = [],
): Promise<Record<O | I, Float32Array>> {
  return ctx.scoped(`running ${label}`, async () => {
    const buffers = {} as Record<I | O, GPUBuffer>;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    for (const name of Object.keys(inputs) as I[]) buffers[name] = ctx.createStorageBuffer(`${label}:${name}`, inputs[name]);
    for (const name of Object.keys(outputs) as O[]) buffers[name] = ctx.createBuffer(`${label}:${name}`, outputs[name] * 4, usage);
    const encoder = ctx.device.createCommandEncoder({ label });
    encode(encoder, buffers);
    ctx.device.queue.submit([encoder.finish()]);
    const result = {} as Record<O | I, Float32Array>;
    for (const name of Object.keys(outputs) as O[]) result[name] = await ctx.readFloat32(buffers[name], outputs[name]);
    for (const name of readInputs) result[name] = await ctx.readFloat32(buffers[name], inputs[name].length);
    for (const b of Object.values(buffers) as GPUBuffer[]) b.destroy();
    return result;
  });
}
