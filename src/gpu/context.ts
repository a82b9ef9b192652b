// A live WebGPU device with what every kernel needs around it: the capability report, labelled
// buffers, the pipeline cache, error scopes turned into typed errors, and device-lost tracking.
import type { CapabilityReport } from './capabilities';
import { DeviceLostError, GpuValidationError, OutOfMemoryError } from './errors';
import { resolveKernelVariants, type KernelVariants } from './kernel-variants';
import { PipelineCache } from './pipeline-cache';

export class GpuContext {
  readonly pipelines: PipelineCache;
  private lostError: DeviceLostError | null = null;
  private readonly lostListeners = new Set<(e: DeviceLostError) => void>();
  /** The kernel variants this device runs (./kernel-variants.ts); by default every one its
   * features allow. */
  readonly variants: KernelVariants;

  constructor(
    readonly adapter: GPUAdapter,
    readonly device: GPUDevice,
    readonly report: CapabilityReport,
    variants?: KernelVariants,
  ) {
    this.pipelines = new PipelineCache(device);
    this.variants = variants ?? resolveKernelVariants(new Set([...device.features].map(String)), {}, report.summary);
    void device.lost.then((info) => {
      this.lostError = new DeviceLostError(info.reason ?? 'unknown', info.message ?? '');
      for (const listener of this.lostListeners) listener(this.lostError);
    });
  }

  /** The error the device was lost with, or null while it is alive. */
  get lost(): DeviceLostError | null {
    return this.lostError;
  }

  /** Calls `listener` once if the device is lost; returns an unsubscribe function. */
  onLost(listener: (e: DeviceLostError) => void): () => void {
    if (this.lostError) listener(this.lostError);
    else this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  hasFeature(feature: GPUFeatureName): boolean {
    return this.device.features.has(feature);
  }

  assertAlive(): void {
    if (this.lostError) throw this.lostError;
  }

  createBuffer(label: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    this.assertAlive();
    // WebGPU requires sizes that are multiples of 4 for mapping and copies.
    return this.device.createBuffer({ label, size: Math.max(4, Math.ceil(size / 4) * 4), usage });
  }

  /** A storage buffer holding `data`, usable as a copy source and destination. */
  createStorageBuffer(label: string, data: Float32Array | Uint32Array | Int32Array): GPUBuffer {
    const buffer = this.createBuffer(
      label,
      data.byteLength,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    );
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /** Copies `byteLength` bytes of `source` back to the CPU. */
  async read(source: GPUBuffer, byteLength = source.size): Promise<ArrayBuffer> {
    this.assertAlive();
    const size = Math.ceil(byteLength / 4) * 4;
    const staging = this.createBuffer(`${source.label}:readback`, size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const encoder = this.device.createCommandEncoder({ label: `${source.label}:readback` });
    encoder.copyBufferToBuffer(source, 0, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (e) {
      this.assertAlive();
      throw e;
    }
    const copy = staging.getMappedRange(0, size).slice(0, byteLength);
    staging.unmap();
    staging.destroy();
    return copy;
  }

  async readFloat32(source: GPUBuffer, length: number): Promise<Float32Array> {
    return new Float32Array(await this.read(source, length * 4));
  }

  /**
   * Runs `fn` inside out-of-memory and validation error scopes and turns what they catch into
   * OutOfMemoryError / GpuValidationError naming `what`.
   */
  async scoped<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
    this.assertAlive();
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let result: T | undefined;
    let failure: unknown;
    try {
      result = await fn();
    } catch (e) {
      failure = e;
    }
    // Pop both scopes whatever happened, so a failed call leaves the device's scope stack balanced.
    const validation = await this.device.popErrorScope();
    const oom = await this.device.popErrorScope();
    if (oom) throw new OutOfMemoryError(what, oom.message);
    if (validation) throw new GpuValidationError(what, validation.message);
    if (failure !== undefined) throw failure;
    this.assertAlive();
    return result as T;
  }

  destroy(): void {
    this.lostListeners.clear();
    this.device.destroy();
  }
}
