// How an op (./<family>.ts) picks its body: each op function takes the backend and has a cpu body
// (the kernel's CPU reference on the backend's arrays) and a webgpu body (the kernel's encoder
// recorded into the backend's pending encoder). The backends never import their ops.
import type { Backend } from '../backend';
import { WebGpuBackend } from '../webgpu/backend';

export { CpuBackend } from '../cpu/backend';

export class UnsupportedBackendError extends Error {
  override name = 'UnsupportedBackendError';
}

/** `be` as the webgpu backend, for an op's webgpu body (the cpu body has returned before). */
export function webgpuOf(be: Backend, op: string): WebGpuBackend {
  if (be instanceof WebGpuBackend) return be;
  throw new UnsupportedBackendError(`${op}: backend '${be.name}' is neither the cpu nor the webgpu backend of src/tensor; create backends with createBackend()`);
}
