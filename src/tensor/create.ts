// Choosing the backend, once per run: the cpu backend, or the webgpu backend on an acquired
// GpuContext (src/gpu acquireGpu; in Node pass nodeGpu() as its `gpu`).
import type { GpuContext } from '../gpu';
import type { Backend } from './backend';
import { initCpuBackend } from './cpu/backend';
import { WebGpuBackend } from './webgpu/backend';

export type BackendKind = 'cpu' | 'webgpu';

export async function createBackend(kind: 'cpu'): Promise<Backend>;
export async function createBackend(kind: 'webgpu', ctx: GpuContext): Promise<Backend>;
export async function createBackend(kind: BackendKind, ctx?: GpuContext): Promise<Backend>;
export async function createBackend(kind: BackendKind, ctx?: GpuContext): Promise<Backend> {
  if (kind === 'cpu') return initCpuBackend();
  if (!ctx) throw new TypeError('createBackend: the webgpu backend needs a GpuContext (acquireGpu)');
  return new WebGpuBackend(ctx);
}
