// Which kernel variants a device runs: `subgroups` reductions, `shader-f16` storage and math, vec4
// global loads in matmul, and fused attention. Each is picked from the device's features unless a
// request forces it (acquireGpu's `kernels` option, or the PERSONA_LAB_GPU_KERNELS variable in
// Node, e.g. "subgroups=off,f16=auto,vec4=off,attention=unfused"). Forcing on a feature the
// adapter lacks is a KernelVariantUnavailableError, never a silent fallback.
import { GpuError } from './errors';

/** `auto`: use it where the device has it (subgroups: not by default, see resolveKernelVariants); `on`: require it; `off`: never use it. */
export type VariantToggle = 'auto' | 'on' | 'off';

export interface KernelVariantRequest {
  subgroups?: VariantToggle;
  f16?: VariantToggle;
  /** vec4 global loads in matmul, on shapes whose contiguous dims are multiples of 4: `auto` in
   * the workgroup-tiled kernel (GPUs) only, `on` in the software adapters' `direct` kernel too. */
  vec4?: VariantToggle;
  /** The few-row subgroup matmul (shaders/matvec-subgroups.wgsl) for products with B transposed
   * and at most 16 rows: `on` picks it where the device runs subgroups; `auto` does not pick it yet
   * (unmeasured on a GPU, and 2-400x slower than the direct kernel on SwiftShader). */
  matvec?: VariantToggle;
  /** `fused`: one online-softmax kernel, no T x T scores; `unfused`: matmul, softmax, matmul. */
  attention?: 'fused' | 'unfused';
}

/** The resolved choice; kernels read it from GpuContext.variants. */
export interface KernelVariants {
  subgroups: boolean;
  f16: boolean;
  /** `auto`: vec4 loads in the tiled matmul (GPUs); `on`: in every matmul kernel; `off`: never.
   * (On SwiftShader the `direct` kernel measured no faster with them: docs/performance.md.) */
  vec4: VariantToggle;
  /** Whether few-row products with B transposed run the subgroup matvec kernel (needs subgroups). */
  matvec: boolean;
  fusedAttention: boolean;
}

/** The environment variable Node reads (the CLI's --gpu-kernels sets it). */
export const KERNEL_VARIANTS_ENV = 'PERSONA_LAB_GPU_KERNELS';

/** The WebGPU feature each feature-backed variant needs. */
export const VARIANT_FEATURES = { subgroups: 'subgroups', f16: 'shader-f16' } as const satisfies Record<string, GPUFeatureName>;

/** A variant was forced on but the adapter lacks the feature it needs. */
export class KernelVariantUnavailableError extends GpuError {
  override name = 'KernelVariantUnavailableError';
  constructor(
    readonly variant: string,
    readonly feature: string,
    adapter: string,
  ) {
    super(
      `The '${variant}' kernel variant was forced on, but this GPU adapter (${adapter}) does not support the WebGPU ` +
        `feature '${feature}'. Set ${variant}=auto (use it where available) or ${variant}=off.`,
    );
  }
}

/** A malformed variant request (names the bad part and the accepted forms). */
export class KernelVariantSpecError extends GpuError {
  override name = 'KernelVariantSpecError';
}

const TOGGLES: readonly VariantToggle[] = ['auto', 'on', 'off'];

/** Parses "subgroups=off,f16=on,vec4=auto,attention=unfused" (any subset, any order). */
export function parseKernelVariants(text: string): KernelVariantRequest {
  const req: KernelVariantRequest = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value, extra] = part.split('=').map((s) => s.trim());
    const bad = (why: string) =>
      new KernelVariantSpecError(`GPU kernel variants "${text}": ${why}. Use e.g. subgroups=auto|on|off, f16=auto|on|off, vec4=auto|on|off, matvec=auto|on|off, attention=fused|unfused`);
    if (extra !== undefined || value === undefined) throw bad(`"${part}" is not name=value`);
    if (key === 'attention') {
      if (value !== 'fused' && value !== 'unfused') throw bad(`attention is fused or unfused, not "${value}"`);
      req.attention = value;
    } else if (key === 'subgroups' || key === 'f16' || key === 'vec4' || key === 'matvec') {
      if (!TOGGLES.includes(value as VariantToggle)) throw bad(`${key} is auto, on or off, not "${value}"`);
      req[key] = value as VariantToggle;
    } else {
      throw bad(`unknown variant "${key}"`);
    }
  }
  return req;
}

/** The request in PERSONA_LAB_GPU_KERNELS, where there is a process environment (Node). */
export function kernelVariantsFromEnv(): KernelVariantRequest {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const text = env?.[KERNEL_VARIANTS_ENV];
  return text ? parseKernelVariants(text) : {};
}

/** Features acquireGpu must request so that `req` can be honoured (the forced-on ones). */
export function forcedFeatures(req: KernelVariantRequest): GPUFeatureName[] {
  const out: GPUFeatureName[] = [];
  if (req.subgroups === 'on') out.push(VARIANT_FEATURES.subgroups);
  if (req.f16 === 'on') out.push(VARIANT_FEATURES.f16);
  return out;
}

/**
 * The variants a device with `features` runs under `req`. Throws KernelVariantUnavailableError
 * when a feature-backed variant is forced on and the feature is absent.
 */
export function resolveKernelVariants(features: ReadonlySet<string>, req: KernelVariantRequest = {}, adapter = 'unknown adapter'): KernelVariants {
  const pick = (variant: 'subgroups' | 'f16'): boolean => {
    const feature = VARIANT_FEATURES[variant];
    const toggle = req[variant] ?? 'auto';
    if (toggle === 'off') return false;
    // The subgroup reductions combine subgroups in the order their slots were claimed (an atomic
    // counter), so a sum can differ by an ulp from run to run; runs promise a bit-identical
    // trajectory on resume, so `auto` keeps the fixed-order tree and `on` opts in.
    if (variant === 'subgroups' && toggle === 'auto') return false;
    if (features.has(feature)) return true;
    if (toggle === 'on') throw new KernelVariantUnavailableError(variant, feature, adapter);
    return false;
  };
  const subgroups = pick('subgroups');
  // The matvec kernel's subgroupAdd stays within one output (no cross-subgroup order to fix), so
  // it needs the feature, not the opt-in of the reductions.
  if (req.matvec === 'on' && (req.subgroups === 'off' || !features.has(VARIANT_FEATURES.subgroups))) {
    throw new KernelVariantUnavailableError('matvec', req.subgroups === 'off' ? 'subgroups (turned off by subgroups=off)' : 'subgroups', adapter);
  }
  return {
    subgroups,
    f16: pick('f16'),
    vec4: req.vec4 ?? 'auto',
    matvec: req.matvec === 'on',
    fusedAttention: (req.attention ?? 'fused') === 'fused',
  };
}

/** One line for logs, the GPU panel and run records, e.g. "subgroups, f32, vec4 loads (tiled), fused attention". */
export function describeKernelVariants(v: KernelVariants): string {
  return [
    v.subgroups ? 'subgroups' : 'no subgroups',
    v.f16 ? 'f16' : 'f32',
    v.vec4 === 'off' ? 'scalar loads' : v.vec4 === 'on' ? 'vec4 loads' : 'vec4 loads (tiled)',
    ...(v.matvec ? ['subgroup matvec'] : []),
    v.fusedAttention ? 'fused attention' : 'unfused attention',
  ].join(', ');
}
