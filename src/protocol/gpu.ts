// Messages between the app and the runner worker about the GPU: what the runner found when it
// looked for WebGPU, and the self-test's cases. Plain, structured-cloneable data only.
import type { CapabilityReport } from '../gpu/capabilities';

/** The cpu backend's threads in the runner (src/tensor/cpu/thread-pool.ts CpuThreadInfo). */
export interface CpuThreads {
  threads: number;
  requested: number | 'auto';
  available: number;
  /** Why fewer threads than requested run (e.g. the page is not cross-origin isolated). */
  reason?: string;
}

/** What the runner found when it looked for WebGPU, and the cpu backend's threads. */
export type GpuStatus = (
  | {
      kind: 'webgpu';
      report: CapabilityReport;
      /** The kernel variants the runner's device runs, in words (src/gpu/kernel-variants.ts). */
      kernels?: string;
    }
  | {
      kind: 'cpu';
      /** The typed error's class name, e.g. NoWebGPUError or AdapterTimeoutError. */
      errorName: string;
      /** Why WebGPU is not used, in words for the user. */
      reason: string;
    }
) & { cpu?: CpuThreads };

/** One case of the GPU self-test: a kernel on this GPU against its CPU reference. */
export interface SelftestCase {
  kernel: string;
  case: string;
  ok: boolean;
  maxAbsError: number;
  tolerance: string;
}

export interface SelftestOutcome {
  adapter: string;
  cases: SelftestCase[];
  seconds: number;
}
