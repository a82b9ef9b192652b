// What Stage 1 and Stage 2 read off the decoder's hidden states: the last real token's state, a
// scalar reward head on it (Bradley-Terry; transformers' `score` layer of
// LlamaForSequenceClassification, no bias), the pairwise readout (Dong et al. 2024: the logits of
// the choice tokens after the prompt), and a per-position value head (PPO; TRL's v_head).
import { add, embedding, matmul, parameter, reshape } from '../autograd';
import type { Backend, Tensor } from '../tensor';
import type { Rng } from '../util/rng';
import type { LlamaModel } from './llama/model';
import { bytesSource } from '../util/byte-source';
import { SafetensorsFile } from './safetensors/file';
import { writeSafetensors } from './safetensors/writer';
import { ModelError } from './errors';

/**
 * Hidden states [B, C] at position lengths[b] - 1 of hidden [B, T, C] (right padding), as a
 * one-hot [B, 1, T] matmul: differentiable, and one small kernel on either backend.
 */
export function lastTokenHidden(backend: Backend, hidden: Tensor, lengths: readonly number[]): Tensor {
  const [B, T, C] = hidden.shape;
  if (lengths.length !== B) throw new RangeError(`lastTokenHidden: ${lengths.length} lengths for B=${B}`);
  const sel = new Float32Array(B * T);
  lengths.forEach((len, b) => {
    if (!(len >= 1 && len <= T)) throw new RangeError(`lastTokenHidden: row ${b} has length ${len}, T=${T}`);
    sel[b * T + len - 1] = 1;
  });
  const selT = backend.fromData(sel, [B, 1, T]);
  return reshape(matmul(selT, hidden), [B, C]);
}

/** initializer_range of Llama/Qwen2 configs: the std transformers draws new heads from. */
const INIT_STD = 0.02;

export class ScalarRewardHead {
  static readonly WEIGHT = 'score.weight';

  private constructor(readonly weight: Tensor) {}

  /** weight [1, C] drawn N(0, 0.02) from `rng`. */
  static create(backend: Backend, hiddenSize: number, rng: Rng): ScalarRewardHead {
    return new ScalarRewardHead(parameter(backend.fromData(rng.float32(hiddenSize, { normal: INIT_STD }), [1, hiddenSize]), ScalarRewardHead.WEIGHT));
  }

  /** Rewards [B] from last-token states [B, C]. */
  forward(hLast: Tensor): Tensor {
    return reshape(matmul(hLast, this.weight, { transB: true }), [hLast.shape[0]]);
  }

  async save(): Promise<Uint8Array> {
    return writeSafetensors([{ name: ScalarRewardHead.WEIGHT, shape: this.weight.shape, data: (await this.weight.data()) as Float32Array }]);
  }

  static async load(backend: Backend, bytes: Uint8Array, hiddenSize: number): Promise<ScalarRewardHead> {
    const f = await SafetensorsFile.open(bytesSource(bytes, 'reward head'));
    const info = f.info(ScalarRewardHead.WEIGHT);
    if (!info || info.shape.join() !== `1,${hiddenSize}`) {
      throw new ModelError(`This reward head does not fit the model: expected ${ScalarRewardHead.WEIGHT} [1, ${hiddenSize}], found ${info ? `[${info.shape.join(', ')}]` : 'none'}.`);
    }
    return new ScalarRewardHead(parameter(backend.fromData(await f.readFloat32(ScalarRewardHead.WEIGHT), [1, hiddenSize]), ScalarRewardHead.WEIGHT));
  }

  parameters(): Tensor[] {
    return [this.weight];
  }

  dispose(): void {
    this.weight.dispose();
  }
}

/** Rewards [B] of right-padded sequences: the scalar head on each row's last real token. */
export function sequenceRewards(model: LlamaModel, head: ScalarRewardHead, hidden: Tensor, lengths: readonly number[]): Tensor {
  return head.forward(lastTokenHidden(model.backend, hidden, lengths));
}

/**
 * The pairwise readout: logits [B, K] of the K choice tokens at each row's last real token (the
 * model read "persona, question, R1, R2, which is better?"); softmax over K is the preference.
 */
export function choiceLogits(model: LlamaModel, hidden: Tensor, lengths: readonly number[], choiceIds: readonly number[]): Tensor {
  const hLast = lastTokenHidden(model.backend, hidden, lengths);
  const ids = model.backend.fromData(Int32Array.from(choiceIds), [choiceIds.length], 'i32');
  const rows = embedding(model.headWeight, ids);
  return matmul(hLast, rows, { transB: true });
}

export class ValueHead {
  private constructor(
    readonly weight: Tensor,
    readonly bias: Tensor,
  ) {}

  static create(backend: Backend, hiddenSize: number, rng: Rng): ValueHead {
    return new ValueHead(
      parameter(backend.fromData(rng.float32(hiddenSize, { normal: INIT_STD }), [1, hiddenSize]), 'v_head.summary.weight'),
      parameter(backend.zeros([1]), 'v_head.summary.bias'),
    );
  }

  /** Values [B, T] of hidden [B, T, C]. */
  forward(hidden: Tensor): Tensor {
    const [B, T] = hidden.shape;
    return reshape(add(matmul(hidden, this.weight, { transB: true }), this.bias), [B, T]);
  }

  parameters(): Tensor[] {
    return [this.weight, this.bias];
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}
