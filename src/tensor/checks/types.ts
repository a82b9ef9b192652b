// The shape of a kernel check (./<op>.ts) and of its results: what the registry (./index.ts), the
// GPU tests and the in-app self-test (src/worker/selftest.ts) run and show. Kept apart from the
// registry so a check can name these types without importing every other check.
import type { GpuContext } from '../../gpu';

export interface CheckResult {
  kernel: string;
  case: string;
  ok: boolean;
  maxAbsError: number;
  /** The tolerance the case was held to, in words. */
  tolerance: string;
}

export interface CheckOptions {
  /** Replaces the kernel's (default variant's) WGSL source: tests use it to prove a wrong kernel fails. */
  shaderCode?: string;
  /** Replaces a variant's WGSL source, by its file name under shaders/ (e.g. 'matmul-vec4'). */
  variantCode?: Readonly<Record<string, string>>;
}

export interface KernelCheck {
  kernel: string;
  run(ctx: GpuContext, options?: CheckOptions): Promise<CheckResult[]>;
}
