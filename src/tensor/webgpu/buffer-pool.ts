// A pool of storage buffers in size classes, so a training step that allocates the same shapes
// every step reuses last step's buffers instead of creating new ones. Reuse is safe without any
// fence because all work goes through one queue in order: a buffer released after its last use was
// recorded is only rewritten by work recorded later. (Uploads through queue.writeBuffer skip the
// encoder, so the backend submits pending work before writing into a pooled buffer.)
import type { GpuContext } from '../../gpu';

/** Usage of every pooled buffer (a function: GPUBufferUsage exists only where WebGPU does). */
export function poolUsage(): GPUBufferUsageFlags {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
}

/**
 * The size class of a request: multiples of 256 bytes up to 4 KiB, then 8 steps per power of
 * two (at most 12.5% waste).
 */
export function sizeClass(bytes: number): number {
  const b = Math.max(16, bytes);
  if (b <= 4096) return Math.ceil(b / 256) * 256;
  const step = 2 ** (Math.floor(Math.log2(b)) - 3);
  return Math.ceil(b / step) * step;
}

export interface PoolStats {
  /** Buffers handed out and not yet released. */
  inUse: number;
  inUseBytes: number;
  /** Free buffers held for reuse. */
  pooled: number;
  pooledBytes: number;
  /** Buffers created over the pool's life (a steady-state step should add none). */
  created: number;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private inUse = 0;
  private inUseBytes = 0;
  private pooledBytes = 0;
  private pooledCount = 0;
  private created = 0;

  constructor(
    private readonly ctx: GpuContext,
    /** Free bytes kept before the oldest free buffers are destroyed. */
    private readonly maxPooledBytes = 1 << 30,
  ) {}

  acquire(bytes: number, label = 'tensor'): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let buffer = list?.pop();
    if (buffer) {
      this.pooledBytes -= size;
      this.pooledCount--;
    } else {
      buffer = this.ctx.createBuffer(`pool:${label}`, size, poolUsage());
      this.created++;
    }
    this.inUse++;
    this.inUseBytes += size;
    return buffer;
  }

  /** Returns a buffer for reuse. `beforeDestroy` must submit pending work if the pool is full. */
  release(buffer: GPUBuffer, beforeDestroy: () => void): void {
    const size = buffer.size;
    this.inUse--;
    this.inUseBytes -= size;
    if (this.pooledBytes + size > this.maxPooledBytes) {
      // A buffer may still be named by unsubmitted commands; submit them before destroying it.
      beforeDestroy();
      buffer.destroy();
      return;
    }
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(buffer);
    this.pooledBytes += size;
    this.pooledCount++;
  }

  /** Destroys every free buffer (call after submitting pending work). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooledBytes = 0;
    this.pooledCount = 0;
  }

  stats(): PoolStats {
    return { inUse: this.inUse, inUseBytes: this.inUseBytes, pooled: this.pooledCount, pooledBytes: this.pooledBytes, created: this.created };
  }
}
