// The backend a runner job computes on, from the user's choice: 'cpu', 'webgpu' (its errors are
// the user's to see), or 'auto' (the runner's GPU when it starts, else the cpu backend). One
// place for the fallback, used by experiment runs and by the Compare view's model.
import type { BackendChoice } from '../protocol/spec';
import { describeKernelVariants } from '../gpu/kernel-variants';
import { createBackend, type Backend } from '../tensor';
import { runnerGpu } from './gpu-status';

export interface RunnerBackend {
  backend: Backend;
  /** The GPU adapter in words; null on the cpu backend. */
  adapter: string | null;
  /** The device's kernel variants in words (webgpu only), kept in run records. */
  kernels?: string;
  /** Throws the device-lost error once the GPU is gone (a run checks it between steps). */
  assertDevice?: () => void;
}

export async function backendFor(choice: BackendChoice): Promise<RunnerBackend> {
  if (choice === 'cpu') return { backend: await createBackend('cpu'), adapter: null };
  try {
    const ctx = await runnerGpu();
    return {
      backend: await createBackend('webgpu', ctx),
      adapter: ctx.report.summary,
      kernels: describeKernelVariants(ctx.variants),
      assertDevice: () => {
        if (ctx.lost) throw ctx.lost;
      },
    };
  } catch (e) {
    if (choice === 'webgpu') throw e;
    return { backend: await createBackend('cpu'), adapter: null };
  }
}
