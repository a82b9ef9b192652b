// Rotary position embeddings for q and k in [B, T, H, D] layout. Plain rope (rope_theta only) runs
// the backend's rope kernel; scaled rope (linear, llama3: see ../rope.ts) multiplies by cos/sin
// tables computed on the host from the scaled frequencies, x*cos + rotate_half(x)*sin, with the
// same rotate-half convention as transformers. Both are differentiable (autograd ops).
import { add, concat, mul, neg, rope, slice } from '../../autograd';
import type { Backend, Tensor } from '../../tensor';
import type { ModelConfig } from '../config';
import { configInvFreq, ropeTables } from '../rope';

export class Rotary {
  private readonly invFreq: Float64Array;
  /** The kernel knows only theta; scaled frequencies take the table path. */
  readonly usesKernel: boolean;

  constructor(private readonly config: ModelConfig) {
    this.invFreq = configInvFreq(config);
    this.usesKernel = config.ropeScaling === null;
  }

  /**
   * Position tensors for a forward pass: `positions` holds T values (shared by every row) or
   * B x T (per row, e.g. left-padded generation). Returns what `apply` needs (tensors owned by the
   * caller's tidy scope).
   */
  prepare(backend: Backend, positions: Int32Array, B: number, T: number): RotaryInputs {
    const perRow = positions.length === B * T && B > 1;
    if (!perRow && positions.length !== T) throw new RangeError(`rotary: ${positions.length} positions for B=${B}, T=${T}`);
    const shape = perRow ? [B, T] : [T];
    if (this.usesKernel) return { kind: 'kernel', positions: backend.fromData(positions, shape, 'i32') };
    const D = this.config.headDim;
    const { cos, sin } = ropeTables(this.invFreq, positions);
    const tableShape = perRow ? [B, T, 1, D] : [1, T, 1, D];
    return { kind: 'tables', cos: backend.fromData(cos, tableShape), sin: backend.fromData(sin, tableShape) };
  }

  /** Rotates x [B, T, H, D]. */
  apply(x: Tensor, inputs: RotaryInputs): Tensor {
    if (inputs.kind === 'kernel') return rope(x, inputs.positions, this.config.ropeTheta, 'BTHD');
    const D = this.config.headDim;
    const half = D / 2;
    const rotated = concat([neg(slice(x, 3, half, D)), slice(x, 3, 0, half)], 3);
    return add(mul(x, inputs.cos), mul(rotated, inputs.sin));
  }
}

export type RotaryInputs = { kind: 'kernel'; positions: Tensor } | { kind: 'tables'; cos: Tensor; sin: Tensor };
