// Looks for WebGPU once and describes the outcome for the GPU panel: the adapter's capability
// report, or the reason the CPU backend will be used; with the cpu backend's threads either way.
import { acquireGpu, describeKernelVariants, GpuError, type GpuContext } from '../gpu';
import type { GpuStatus } from '../protocol/gpu';
import type { CpuThreads } from '../protocol/gpu';
import { setCpuThreads, startCpuThreads } from '../tensor/cpu/thread-pool';

let context: Promise<GpuContext> | undefined;

/** The runner's device, acquired on first use and shared by every run in this worker. */
export function runnerGpu(timeoutMs?: number): Promise<GpuContext> {
  context ??= acquireGpu({ timeoutMs }).catch((e: unknown) => {
    context = undefined; // let a later call try again (e.g. after a driver hiccup)
    throw e;
  });
  return context;
}

/** The app's threads setting: applies to every later product (none runs while this does: the
 * runner's ops are synchronous, so the call lands between them). */
export async function setRunnerCpuThreads(threads: number | 'auto'): Promise<CpuThreads> {
  setCpuThreads(threads);
  return startCpuThreads();
}

export async function gpuStatus(timeoutMs?: number): Promise<GpuStatus> {
  // Starting the cpu backend's threads here shows in the panel that they really run (or why not).
  const cpu = await startCpuThreads();
  try {
    const ctx = await runnerGpu(timeoutMs);
    return { kind: 'webgpu', report: ctx.report, kernels: describeKernelVariants(ctx.variants), cpu };
  } catch (e) {
    if (e instanceof GpuError) return { kind: 'cpu', errorName: e.name, reason: e.message, cpu };
    const message = e instanceof Error ? e.message : String(e);
    return { kind: 'cpu', errorName: 'Error', reason: `WebGPU failed to start: ${message}. The CPU backend will be used instead.`, cpu };
  }
}
