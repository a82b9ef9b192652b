// Compute pipelines keyed by (shader name and source hash, override constants, entry point).
// Shapes that a kernel specialises on are passed as overrides, so they are part of the key too.
import { fnv1a32 } from '../util/hash';

export type Overrides = Record<string, number>;

export class PipelineCache {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly modules = new Map<string, GPUShaderModule>();

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.pipelines.size;
  }

  static key(shaderName: string, code: string, overrides: Overrides = {}, entryPoint = 'main'): string {
    const o = Object.keys(overrides)
      .sort()
      .map((k) => `${k}=${overrides[k]}`)
      .join(',');
    return `${shaderName}@${fnv1a32(code).toString(16)}#${entryPoint}[${o}]`;
  }

  get(shaderName: string, code: string, overrides: Overrides = {}, entryPoint = 'main'): GPUComputePipeline {
    const key = PipelineCache.key(shaderName, code, overrides, entryPoint);
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const moduleKey = key.slice(0, key.indexOf('#'));
      let module = this.modules.get(moduleKey);
      if (!module) {
        module = this.device.createShaderModule({ label: shaderName, code });
        this.modules.set(moduleKey, module);
      }
      pipeline = this.device.createComputePipeline({
        label: key,
        layout: 'auto',
        compute: { module, entryPoint, constants: overrides },
      });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }
}
