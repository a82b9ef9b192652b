// The tensor layer's public face: the Tensor value, the Backend interface and its two
// implementations, the transformer and optimizer ops (`ops.rmsNorm(backend, ...)`), memory scopes.
export * from './tensor';
export * from './backend';
export * as ops from './ops';
export type { AdamWHyper } from './kernels/adamw';
export { tidy, tidyAsync, keep, isKept, scopeDepth } from './scope';
export { broadcastShapes, broadcastsTo, normAxis } from './broadcast';
export { createBackend, type BackendKind } from './create';
export { CpuBackend, initCpuBackend, type CpuBackendOptions } from './cpu/backend';
export { cpuThreadInfo, setCpuThreads, type CpuThreadInfo } from './cpu/thread-pool';
export { WebGpuBackend } from './webgpu/backend';
