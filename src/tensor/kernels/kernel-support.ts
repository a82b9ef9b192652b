// The one plumbing module of the kernels' encoders (./<op>.ts): uniform parameter buffers that are
// immutable and cached by content (so any number of dispatches can share one command encoder
// without a queue.writeBuffer racing recorded work), buffer-size checks that name the op and both
// shapes, dispatch geometry, and recording one compute pass. The checks' upload-run-read helper is
// ../checks/run-kernel.ts.
import { KernelVariantUnavailableError, type GpuContext } from '../../gpu';
import { ShapeError } from '../tensor';

export interface KernelOptions {
  /** Replaces the WGSL source of the variant that runs (checks use it to prove a wrong kernel is caught). */
  shaderCode?: string;
  /** Forces the `subgroups` variant on or off, where a kernel has one; default GpuContext.variants. */
  subgroups?: boolean;
}

/**
 * Whether a kernel with a `subgroups` variant runs it: the caller's choice, else the device's
 * variants. Asking for it on a device without the feature is a KernelVariantUnavailableError.
 */
export function useSubgroups(ctx: GpuContext, options: KernelOptions): boolean {
  const want = options.subgroups ?? ctx.variants.subgroups;
  if (want && !ctx.hasFeature('subgroups')) throw new KernelVariantUnavailableError('subgroups', 'subgroups', ctx.report.summary);
  return want;
}

export type ParamField = readonly ['u32' | 'i32' | 'f32', number];

// Uniforms are immutable once written, so equal contents can share one buffer: a training loop
// with fixed shapes allocates its few parameter buffers once. Entries are dropped (not destroyed:
// an unsubmitted encoder may still use them) when the cache grows past a bound.
const MAX_CACHED_UNIFORMS = 4096;
const uniformCache = new WeakMap<GpuContext, Map<string, GPUBuffer>>();

/**
 * A uniform buffer holding `data` (zero-padded to a multiple of 16 bytes), written once at
 * creation and shared by every caller asking for the same label and bytes.
 */
export function uniformBuffer(ctx: GpuContext, label: string, data: ArrayBuffer): GPUBuffer {
  const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
  const u32 = new Uint32Array(size / 4);
  new Uint8Array(u32.buffer).set(new Uint8Array(data));
  const key = `${label}:${Array.from(u32, (w) => w.toString(16)).join(',')}`;
  let cache = uniformCache.get(ctx);
  if (!cache) uniformCache.set(ctx, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  if (cache.size >= MAX_CACHED_UNIFORMS) cache.clear();
  const buffer = ctx.device.createBuffer({ label: `${label}:params`, size, usage: GPUBufferUsage.UNIFORM, mappedAtCreation: true });
  new Uint32Array(buffer.getMappedRange()).set(u32);
  buffer.unmap();
  cache.set(key, buffer);
  return buffer;
}

/** A uniform buffer holding `fields` as consecutive 4-byte scalars (a WGSL struct of u32/i32/f32). */
export function paramsBuffer(ctx: GpuContext, label: string, fields: readonly ParamField[]): GPUBuffer {
  const data = new ArrayBuffer(fields.length * 4);
  const view = new DataView(data);
  fields.forEach(([type, value], i) => {
    if (type === 'f32') view.setFloat32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else view.setUint32(i * 4, value, true);
  });
  return uniformBuffer(ctx, label, data);
}

const placeholders = new WeakMap<GpuContext, GPUBuffer>();

/** A small storage buffer bound where an optional input is absent (the kernel is told by a flag). */
export function placeholderBuffer(ctx: GpuContext): GPUBuffer {
  let b = placeholders.get(ctx);
  if (!b) {
    b = ctx.device.createBuffer({ label: 'placeholder', size: 16, usage: GPUBufferUsage.STORAGE });
    placeholders.set(ctx, b);
  }
  return b;
}

/** Throws ShapeError unless `buffer` holds at least `floats` 4-byte elements. */
export function requireBuffer(op: string, name: string, buffer: GPUBuffer, floats: number, shape: string): void {
  if (buffer.size < floats * 4) {
    throw new ShapeError(`${op}: ${name} buffer holds ${Math.floor(buffer.size / 4)} elements but shape ${shape} needs ${floats}`);
  }
}

/** Throws ShapeError unless `array` has exactly the length `shape` needs. */
export function requireLength(op: string, name: string, array: ArrayLike<number>, length: number, shape: string): void {
  if (array.length !== length) {
    throw new ShapeError(`${op}: ${name} has ${array.length} elements but shape ${shape} needs ${length}`);
  }
}

/** Throws ShapeError unless every value is a non-negative integer (positive where `positive`). */
export function requireDims(op: string, dims: Record<string, number>, positive: readonly string[] = []): void {
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 0 || (positive.includes(k) && v === 0)) {
      throw new ShapeError(`${op}: ${k} must be a ${positive.includes(k) ? 'positive' : 'non-negative'} integer, got ${v}`);
    }
  }
}

/** Dispatch geometry of a 1-D kernel: N threads as a 2-D grid of workgroups, because one
 * dimension is capped at maxComputeWorkgroupsPerDimension (65535 by default). */
export interface Grid1D {
  /** Workgroups along x and y. */
  x: number;
  y: number;
  /** Threads per grid row (x * workgroupSize): the kernel's flat index is gid.y * row + gid.x. */
  row: number;
}

export function grid1d(n: number, workgroupSize: number, maxPerDimension = 65535): Grid1D {
  const groups = Math.max(1, Math.ceil(n / workgroupSize));
  const x = Math.min(groups, maxPerDimension);
  const y = Math.ceil(groups / x);
  if (y > maxPerDimension) throw new RangeError(`${n} elements exceed one dispatch's grid`);
  return { x, y, row: x * workgroupSize };
}

/** `count` workgroups as a 2-D grid; the kernel's linear group index is wid.y * x + wid.x. */
export function groupGrid(ctx: GpuContext, count: number): { x: number; y: number } {
  const g = grid1d(count, 1, ctx.report.limits.maxComputeWorkgroupsPerDimension);
  return { x: g.x, y: g.y };
}

/**
 * Records one compute pass. `buffers[i]` is bound at binding i of group 0: an array for an entry
 * point with bindings 0..k, an object such as {0: x, 2: dy, 5: params} for one with gaps.
 */
export function recordPass(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  label: string,
  pipeline: GPUComputePipeline,
  buffers: Readonly<Record<number, GPUBuffer>>,
  groups: readonly [number, number?, number?],
): void {
  const bindGroup = ctx.device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: Object.entries(buffers).map(([binding, buffer]) => ({ binding: Number(binding), resource: { buffer } })),
  });
  const pass = encoder.beginComputePass({ label });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
  pass.end();
}
