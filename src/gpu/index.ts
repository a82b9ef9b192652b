// The gpu layer's public face: acquire a device, inspect it, and handle its typed errors.
export { acquireGpu, findGpu, DEFAULT_ADAPTER_TIMEOUT_MS, OPTIONAL_FEATURES, type AcquireOptions } from './acquire';
export { capabilityReport, checkRequirements, REPORTED_LIMITS, type CapabilityReport, type GpuRequirements } from './capabilities';
export { GpuContext } from './context';
export * from './errors';
export { PipelineCache, type Overrides } from './pipeline-cache';
export {
  describeKernelVariants,
  KERNEL_VARIANTS_ENV,
  KernelVariantSpecError,
  KernelVariantUnavailableError,
  parseKernelVariants,
  resolveKernelVariants,
  type KernelVariantRequest,
  type KernelVariants,
  type VariantToggle,
} from './kernel-variants';
