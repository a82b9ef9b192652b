// A LoRA adapter as trainable tensors: for each adapted projection W [out, in], A [rank, in] and
// B [out, rank], so the projection computes x W^T + scale * dropout(x) A^T B^T with the base
// frozen. B starts at zero, so a fresh adapter leaves the model unchanged. Saved and loaded on its
// own (./io.ts, PEFT layout).
import { parameter } from '../../autograd';
import type { Backend, Tensor } from '../../tensor';
import type { Rng } from '../../util/rng';
import type { ModelConfig } from '../config';
import { initLoraWeights, loraModules, loraScale, validateLoraConfig, type LoraConfig, type LoraWeights } from './config';
import { saveAdapter, type SavedAdapter } from './io';

export interface LoraPair {
  A: Tensor;
  B: Tensor;
}

export class LoraAdapter {
  readonly scale: number;
  /** Dropout is applied only while training is true (off for evaluation and generation). */
  training = true;

  private constructor(
    readonly config: LoraConfig,
    readonly modules: Map<string, LoraPair>,
    /** Draws the dropout masks; seeded, so a training run reproduces. */
    private readonly rng: Rng,
  ) {
    this.scale = loraScale(config);
  }

  /** A fresh adapter (A random, B zero) for every target projection of `model`. */
  static create(backend: Backend, model: ModelConfig, config: LoraConfig, rng: Rng): LoraAdapter {
    const c = validateLoraConfig(config);
    return LoraAdapter.fromWeights(backend, model, c, initLoraWeights(loraModules(model, c), c, rng.fork('lora-init')), rng);
  }

  static fromWeights(backend: Backend, model: ModelConfig, config: LoraConfig, weights: ReadonlyMap<string, LoraWeights>, rng: Rng): LoraAdapter {
    const modules = new Map<string, LoraPair>();
    for (const m of loraModules(model, config)) {
      const w = weights.get(m.path);
      if (!w) throw new RangeError(`LoRA weights for ${m.path} are missing`);
      modules.set(m.path, {
        A: parameter(backend.fromData(w.A, [config.rank, m.inFeatures]), `${m.path}.lora_A`),
        B: parameter(backend.fromData(w.B, [m.outFeatures, config.rank]), `${m.path}.lora_B`),
      });
    }
    return new LoraAdapter(config, modules, rng.fork('lora-dropout'));
  }

  parameters(): Tensor[] {
    return [...this.modules.values()].flatMap((p) => [p.A, p.B]);
  }

  /** A dropout mask shaped like x (values 0 or 1/(1-p)), or null when dropout is off. */
  dropoutMask(backend: Backend, shape: readonly number[]): Tensor | null {
    const p = this.config.dropout;
    if (!this.training || p === 0) return null;
    const n = shape.reduce((a, b) => a * b, 1);
    const mask = new Float32Array(n);
    const keep = 1 / (1 - p);
    for (let i = 0; i < n; i++) mask[i] = this.rng.next() < p ? 0 : keep;
    return backend.fromData(mask, shape);
  }

  async weights(): Promise<Map<string, LoraWeights>> {
    const out = new Map<string, LoraWeights>();
    for (const [path, { A, B }] of this.modules) out.set(path, { A: (await A.data()) as Float32Array, B: (await B.data()) as Float32Array });
    return out;
  }

  async save(model: ModelConfig, baseModel = ''): Promise<SavedAdapter> {
    return saveAdapter(this.config, model, await this.weights(), baseModel);
  }

  dispose(): void {
    for (const t of this.parameters()) t.dispose();
  }
}
