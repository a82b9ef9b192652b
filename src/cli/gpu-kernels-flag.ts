// The CLI's global `--gpu-kernels SPEC` flag, e.g. `--gpu-kernels subgroups=off,attention=unfused`:
// forces GPU kernel variants on or off for every command (src/gpu/kernel-variants.ts). It is
// checked here and handed to acquireGpu through PERSONA_LAB_GPU_KERNELS, which every command's
// acquireGpu reads; forcing on a feature the adapter lacks then fails there with the reason.
import { KERNEL_VARIANTS_ENV, KernelVariantSpecError, parseKernelVariants } from '../gpu/kernel-variants';
import { UsageError } from './command';

/** argv without `--gpu-kernels SPEC` / `--gpu-kernels=SPEC`; sets the environment variable. */
export function applyGpuKernelsFlag(argv: string[], env: Record<string, string | undefined> = process.env): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let value: string | undefined;
    if (arg === '--gpu-kernels') value = argv[++i];
    else if (arg.startsWith('--gpu-kernels=')) value = arg.slice('--gpu-kernels='.length);
    else {
      out.push(arg);
      continue;
    }
    if (value === undefined) throw new UsageError('--gpu-kernels wants a list such as subgroups=off,f16=auto,vec4=on,attention=unfused');
    try {
      parseKernelVariants(value);
    } catch (e) {
      if (e instanceof KernelVariantSpecError) throw new UsageError(e.message);
      throw e;
    }
    env[KERNEL_VARIANTS_ENV] = value;
  }
  return out;
}
