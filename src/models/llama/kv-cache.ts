// Keys and values of past positions, per layer, for generation: each step runs only the new
// tokens and attends over everything cached. Tensors here are kept out of tidy scopes and owned
// by the cache; use it under noGrad (a cached step is inference, not training).
import { concat } from '../../autograd';
import { keep, type Tensor } from '../../tensor';

export class KVCache {
  private readonly k: (Tensor | null)[];
  private readonly v: (Tensor | null)[];
  /** Positions cached so far (S before the current step). */
  length = 0;

  constructor(readonly numLayers: number) {
    this.k = new Array(numLayers).fill(null);
    this.v = new Array(numLayers).fill(null);
  }

  /** Appends this step's k, v [B, T, Hkv, D] for `layer`; returns the full [B, S + T, Hkv, D]. */
  append(layer: number, k: Tensor, v: Tensor): { k: Tensor; v: Tensor } {
    const oldK = this.k[layer];
    const oldV = this.v[layer];
    const fullK = keep(oldK ? concat([oldK, k], 1) : k.reshape(k.shape));
    const fullV = keep(oldV ? concat([oldV, v], 1) : v.reshape(v.shape));
    oldK?.dispose();
    oldV?.dispose();
    this.k[layer] = fullK;
    this.v[layer] = fullV;
    return { k: fullK, v: fullV };
  }

  /** Called once per step after every layer appended `T` positions. */
  advance(T: number): void {
    this.length += T;
  }

  dispose(): void {
    for (const t of [...this.k, ...this.v]) t?.dispose();
    this.k.fill(null);
    this.v.fill(null);
    this.length = 0;
  }
}
