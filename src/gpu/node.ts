// Node only: the WebGPU entry point from the `webgpu` package (Dawn). Never imported by browser
// code. On machines without a GPU, Dawn runs on the SwiftShader Vulkan driver that Debian's
// chromium package ships (Dawn rejects Mesa's lavapipe); we point the Vulkan loader at it unless
// the caller chose a driver (VK_ICD_FILENAMES) or a vendor GPU driver is installed.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Vendor drivers for real GPUs; Mesa's software and hardware ICDs are present on most Debian
 * machines whether or not there is such a GPU, so only these mean "use the system driver". */
const VENDOR_ICD = /nvidia|amd_icd|amdvlk/i;

let cached: GPU | undefined;

/** Directories the Vulkan loader reads on its own, then where NVIDIA's container toolkit mounts
 * its driver files (which the loader must be pointed at). */
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/nvidia/share/vulkan/icd.d'];

/** The first vendor (real GPU) Vulkan driver manifest, or undefined. */
export function vendorVulkanIcd(): string | undefined {
  for (const dir of ICD_DIRS) {
    const hit = existsSync(dir) ? readdirSync(dir).find((e) => VENDOR_ICD.test(e)) : undefined;
    if (hit) return `${dir}/${hit}`;
  }
  return undefined;
}

/** The Vulkan driver manifest to name in VK_ICD_FILENAMES, or undefined to let the loader choose. */
function chooseIcd(): string | undefined {
  const vendor = vendorVulkanIcd();
  if (vendor) return vendor.startsWith('/usr/local/nvidia/') ? vendor : undefined;
  return existsSync(SWIFTSHADER_ICD) ? SWIFTSHADER_ICD : undefined;
}

export async function nodeGpu(dawnOptions: string[] = []): Promise<GPU> {
  if (cached) return cached;
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
    const icd = chooseIcd();
    if (icd) process.env.VK_ICD_FILENAMES = icd;
  }
  // SwiftShader's WSI code complains on every device when this is unset (it is, under CI and sudo).
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  const { create, globals } = await import('webgpu');
  // Kernels use the GPUBufferUsage/GPUMapMode constants as globals, as in a browser.
  Object.assign(globalThis, globals);
  cached = create(dawnOptions);
  return cached;
}
