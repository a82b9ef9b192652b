// The capability report (what the GPU panel and every run record show) and the one place where a
// run's feature and limit requirements are checked against an adapter.
import { LimitTooLowError, MissingFeatureError } from './errors';

/**
 * Limits that matter to our kernels, in the order the GPU panel lists them; ./acquire.ts raises
 * each to the adapter's maximum when it requests the device.
 */
export const REPORTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
] as const;

export type ReportedLimit = (typeof REPORTED_LIMITS)[number];

export interface CapabilityReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (SwiftShader, WARP): correct but slow. */
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<ReportedLimit, number>;
  /** A single line naming the adapter, for logs and run records. */
  summary: string;
}

export interface GpuRequirements {
  features?: GPUFeatureName[];
  limits?: Partial<Record<ReportedLimit, number>>;
}

export function capabilityReport(adapter: GPUAdapter): CapabilityReport {
  const info = adapter.info;
  const features = [...adapter.features].map(String).sort();
  const limits = {} as Record<ReportedLimit, number>;
  for (const name of REPORTED_LIMITS) limits[name] = Number(adapter.limits[name]);
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const device = info?.device ?? '';
  const description = info?.description ?? '';
  // `isFallbackAdapter` moved from GPUAdapter to GPUAdapterInfo; read either.
  const fallback = Boolean(
    (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ??
      (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
  );
  const name = description || [vendor, architecture, device].filter(Boolean).join(' ') || 'unknown adapter';
  return {
    vendor,
    architecture,
    device,
    description,
    isFallbackAdapter: fallback,
    features,
    limits,
    summary: `${name}${fallback ? ' (software fallback)' : ''}`,
  };
}

/** Throws MissingFeatureError / LimitTooLowError when the adapter cannot satisfy `req`. */
export function checkRequirements(adapter: GPUAdapter, req: GpuRequirements): void {
  for (const feature of req.features ?? []) {
    if (!adapter.features.has(feature)) throw new MissingFeatureError(feature);
  }
  for (const [name, required] of Object.entries(req.limits ?? {})) {
    const available = Number(adapter.limits[name as ReportedLimit]);
    if (required !== undefined && available < required) throw new LimitTooLowError(name, required, available);
  }
}
