// One way to get a WebGPU device, in a browser tab, a worker, or Node (pass the `gpu` object from
// ./node.ts there). requestAdapter() is raced against a timeout because a broken driver can hang
// it forever; every failure becomes a typed error from ./errors.
import { capabilityReport, checkRequirements, REPORTED_LIMITS, type GpuRequirements } from './capabilities';
import { GpuContext } from './context';
import { AdapterTimeoutError, NoWebGPUError } from './errors';
import { forcedFeatures, kernelVariantsFromEnv, resolveKernelVariants, type KernelVariantRequest } from './kernel-variants';

export const DEFAULT_ADAPTER_TIMEOUT_MS = 10_000;

/** Features our kernels use when present; never required. */
export const OPTIONAL_FEATURES: GPUFeatureName[] = ['shader-f16', 'subgroups', 'timestamp-query'];

export interface AcquireOptions {
  /** The WebGPU entry point; defaults to `navigator.gpu`. */
  gpu?: GPU;
  timeoutMs?: number;
  powerPreference?: GPUPowerPreference;
  requirements?: GpuRequirements;
  /** Features to enable when the adapter has them; defaults to OPTIONAL_FEATURES. */
  optionalFeatures?: GPUFeatureName[];
  /** Kernel variants to force on or off; each field overrides PERSONA_LAB_GPU_KERNELS (Node). */
  kernels?: KernelVariantRequest;
}

export function findGpu(): GPU | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AdapterTimeoutError(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function acquireGpu(options: AcquireOptions = {}): Promise<GpuContext> {
  const gpu = options.gpu ?? findGpu();
  if (!gpu) {
    throw new NoWebGPUError(
      typeof window === 'undefined' && typeof self === 'undefined'
        ? 'this JavaScript runtime has no navigator.gpu (in Node, use the `webgpu` package)'
        : 'this browser does not expose navigator.gpu (use a recent Chrome or Edge, served over https or localhost)',
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_ADAPTER_TIMEOUT_MS;
  const adapterOptions: GPURequestAdapterOptions = {};
  if (options.powerPreference) adapterOptions.powerPreference = options.powerPreference;
  const adapter = await withTimeout(gpu.requestAdapter(adapterOptions), timeoutMs);
  if (!adapter) throw new NoWebGPUError('no GPU adapter was found (the GPU may be blocklisted or disabled)');
  if (options.requirements) checkRequirements(adapter, options.requirements);
  const kernels = { ...kernelVariantsFromEnv(), ...options.kernels };
  const report = capabilityReport(adapter);
  // A variant forced on where the adapter lacks its feature fails here, before a device exists.
  resolveKernelVariants(new Set(report.features), kernels, report.summary);

  const wanted = new Set<GPUFeatureName>([
    ...(options.optionalFeatures ?? OPTIONAL_FEATURES),
    ...(options.requirements?.features ?? []),
    ...forcedFeatures(kernels),
  ]);
  const requiredFeatures = [...wanted].filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  // Every limit the report lists is raised to the adapter's maximum: kernels size their buffers,
  // workgroups and dispatch grids from the report, so the device must allow what it says.
  for (const name of REPORTED_LIMITS) requiredLimits[name] = Number(adapter.limits[name]);
  const device = await withTimeout(
    adapter.requestDevice({ label: 'persona-lab', requiredFeatures, requiredLimits }),
    timeoutMs,
  );
  const variants = resolveKernelVariants(new Set([...device.features].map(String)), kernels, report.summary);
  return new GpuContext(adapter, device, report, variants);
}
