// One real WebGPU device (Dawn via the `webgpu` package) shared by a gpu test file.
import { acquireGpu, type GpuContext } from '../../src/gpu';
import { nodeGpu } from '../../src/gpu/node';

let ctx: Promise<GpuContext> | undefined;

export function testGpu(): Promise<GpuContext> {
  ctx ??= nodeGpu().then((gpu) => acquireGpu({ gpu, timeoutMs: 30_000 }));
  return ctx;
}
