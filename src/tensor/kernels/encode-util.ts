// Shared plumbing for kernels that record into a caller's command encoder: immutable uniform
// buffers cached by content (written once at creation, so any number of dispatches can share one
// encoder without a queue.writeBuffer racing the recorded work), and a one-pass dispatch helper.
import type { GpuContext } from '../../gpu';

const uniformCache = new WeakMap<GpuContext, Map<string, GPUBuffer>>();

function hexKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

/**
 * A uniform buffer holding `data` (padded to 16 bytes). Buffers are cached per context by
 * content and never rewritten; shapes repeat from step to step, so the cache stays small.
 */
export function uniformBuffer(ctx: GpuContext, label: string, data: ArrayBuffer): GPUBuffer {
  let cache = uniformCache.get(ctx);
  if (!cache) uniformCache.set(ctx, (cache = new Map()));
  const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
  const bytes = new Uint8Array(size);
  bytes.set(new Uint8Array(data));
  const key = `${label}:${hexKey(bytes)}`;
  let buffer = cache.get(key);
  if (!buffer) {
    buffer = ctx.device.createBuffer({ label: `${label}:params`, size, usage: GPUBufferUsage.UNIFORM, mappedAtCreation: true });
    new Uint8Array(buffer.getMappedRange()).set(bytes);
    buffer.unmap();
    cache.set(key, buffer);
  }
  return buffer;
}

/** Packs u32/f32 fields in order (numbers tagged by the `kinds` string: 'u' or 'f' per field). */
export function packParams(kinds: string, values: readonly number[]): ArrayBuffer {
  if (kinds.length !== values.length) throw new RangeError(`packParams: ${kinds.length} kinds for ${values.length} values`);
  const buf = new ArrayBuffer(Math.max(16, Math.ceil((values.length * 4) / 16) * 16));
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  for (let i = 0; i < values.length; i++) {
    if (kinds[i] === 'f') f[i] = values[i];
    else u[i] = values[i] >>> 0;
  }
  return buf;
}

/** Records one compute pass with one dispatch. `bindings` maps binding index to buffer. */
export function dispatchPass(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  label: string,
  pipeline: GPUComputePipeline,
  bindings: ReadonlyArray<readonly [number, GPUBuffer]>,
  groups: readonly [number, number?, number?],
): void {
  const bindGroup = ctx.device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: bindings.map(([binding, buffer]) => ({ binding, resource: { buffer } })),
  });
  const pass = encoder.beginComputePass({ label });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
  pass.end();
}
