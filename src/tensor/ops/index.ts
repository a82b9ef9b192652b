// The transformer and optimizer ops: free functions, one file per op family, each taking the
// backend it runs on (the way tfjs-backend-webgpu writes one kernel function per op). The backend
// classes keep only their primitives (memory, layout, elementwise, reductions, matmul).
export * from './adamw';
export * from './attention';
export * from './cross-entropy';
export * from './embedding';
export * from './kv-cache';
export * from './norm';
export * from './rope';
export { UnsupportedBackendError } from './backends';
