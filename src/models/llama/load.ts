// Reading a checkpoint's weights onto a backend: every name and shape is checked against
// config.json first (checkpoint.ts), then tensors are read one at a time (F32/F16/BF16 -> f32), so
// peak host memory is one tensor, not the model.
import type { Backend, Tensor } from '../../tensor';
import { checkWeights, expectedTensors } from '../checkpoint';
import type { ModelConfig } from '../config';
import type { TensorStore } from '../safetensors/file';

export interface LoadProgress {
  tensor: string;
  loaded: number;
  total: number;
}

export async function readWeights(
  backend: Backend,
  config: ModelConfig,
  store: TensorStore,
  onProgress?: (p: LoadProgress) => void,
): Promise<Map<string, Tensor>> {
  checkWeights(config, store);
  const shapes = expectedTensors(config);
  const out = new Map<string, Tensor>();
  try {
    for (const [name, shape] of shapes) {
      out.set(name, backend.fromData(await store.readFloat32(name), shape));
      onProgress?.({ tensor: name, loaded: out.size, total: shapes.size });
    }
  } catch (e) {
    for (const t of out.values()) t.dispose();
    throw e;
  }
  return out;
}
