// PPO's critic: a linear head on the policy's final hidden states (LlamaModel.hidden, after the
// last norm), V_t = h_t·w + b, read at the positions that predict response tokens, so V_t is the
// value of the state in which response token t is written. It shares the policy's trunk (as the
// value-head models of TRL's first PPO did); TRL's current PPOTrainer keeps a separate value
// model, which would double the memory of a full finetune. Starts at zero: V = 0 everywhere, unless
// the run sets its bias (startAt) to the level of the first rollout's returns.
import { add, matmul, parameter, reshape } from '../../autograd';
import type { Backend, Tensor } from '../../tensor';

export class ValueHead {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(be: Backend, hiddenSize: number) {
    this.weight = parameter(be.zeros([1, hiddenSize]), 'value_head.weight');
    this.bias = parameter(be.zeros([1]), 'value_head.bias');
  }

  /** V = level everywhere: the bias set to it, the weight left as it is (zero at the start). */
  startAt(level: number): void {
    const be = this.bias.backend;
    const src = be.fromData(Float32Array.of(level), [1]);
    be.assign(this.bias, src);
    src.dispose();
  }

  namedParameters(): Array<[string, Tensor]> {
    return [
      [this.weight.name, this.weight],
      [this.bias.name, this.bias],
    ];
  }

  /** Values [B, T] of hidden states [B, T, C]. */
  values(hidden: Tensor): Tensor {
    const [B, T] = hidden.shape;
    return add(reshape(matmul(hidden, this.weight, { transB: true }), [B, T]), this.bias);
  }

  dispose(): void {
    for (const [, t] of this.namedParameters()) {
      t.grad?.dispose();
      t.grad = null;
      t.dispose();
    }
  }
}
