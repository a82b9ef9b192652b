// Loads onnxruntime-web in Node for the benchmarks: its WASM build (CPU), and its WebGPU build on
// Dawn (the `webgpu` package). Only the benchmark uses these; the lab itself never loads ORT in Node.
import type { OrtModule } from '../../bench/matmul-bench';

/** onnxruntime-web's Node build with the WASM execution provider on `threads` threads (fixed for
 * the process once its first session starts). */
export async function loadOrtWasm(threads = 1): Promise<OrtModule> {
  const ort = (await import('onnxruntime-web')) as OrtModule;
  ort.env.wasm.numThreads = threads;
  return ort;
}

/**
 * onnxruntime-web's WebGPU build, talking to Dawn through `gpu`. It finds WebGPU on
 * navigator.gpu, which Node 20 lacks, so we provide it. It also hands queue.writeBuffer views of
 * its SharedArrayBuffer-backed heap, which Dawn's Node binding rejects ("Invalid argument"), so
 * such writes are copied to a plain buffer first (browsers accept them as they are).
 */
export async function loadOrtWebgpu(gpu: GPU): Promise<OrtModule> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  else if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  patchWriteBuffer();
  const ort = (await import('onnxruntime-web/webgpu')) as OrtModule;
  ort.env.wasm.numThreads = 1;
  return ort;
}

let patched = false;

function patchWriteBuffer(): void {
  if (patched) return;
  const queueProto = (globalThis as { GPUQueue?: { prototype: GPUQueue } }).GPUQueue?.prototype;
  if (!queueProto) throw new Error('bench: GPUQueue is not defined; call nodeGpu() before loadOrtWebgpu()');
  patched = true;
  const original = queueProto.writeBuffer;
  queueProto.writeBuffer = function (this: GPUQueue, buffer, offset, data, dataOffset?, size?) {
    if (ArrayBuffer.isView(data) && typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer) {
      // dataOffset and size count elements of the view's type.
      const element = (data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const start = (dataOffset ?? 0) * element;
      const copy = bytes.slice(start, size === undefined ? undefined : start + size * element);
      return original.call(this, buffer, offset, copy);
    }
    return original.call(this, buffer, offset, data as never, dataOffset, size);
  } as GPUQueue['writeBuffer'];
}
