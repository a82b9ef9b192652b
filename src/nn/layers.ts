// Basic layers on autograd ops: Linear (weight [out, in] as Hugging Face stores it), Embedding,
// RMSNorm and LayerNorm. Each can be built with seeded random weights or from given tensors.
import { add, embedding, layerNorm, matmul, reshape, rmsNorm } from '../autograd';
import type { Backend, Tensor } from '../tensor';
import { ShapeError, shapeStr } from '../tensor';
import { Rng } from '../util/rng';
import { Module } from './module';

export interface InitOptions {
  /** Seed of the weights. */
  seed: number;
  /** Standard deviation of normal weights (default 0.02, GPT-2's). */
  std?: number;
}

function normal(be: Backend, shape: number[], init: InitOptions): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return be.fromData(new Rng(init.seed).float32(n, { normal: init.std ?? 0.02 }), shape);
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  /** weight [out, in]; bias [out] or null. */
  constructor(weight: Tensor, bias: Tensor | null = null) {
    super();
    if (weight.rank !== 2 || (bias && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0]))) {
      throw new ShapeError(`Linear: weight ${shapeStr(weight.shape)} must be [out, in] and bias ${bias ? shapeStr(bias.shape) : '-'} [out]`);
    }
    this.weight = this.param('weight', weight);
    this.bias = bias ? this.param('bias', bias) : null;
  }

  static init(be: Backend, inFeatures: number, outFeatures: number, init: InitOptions & { bias?: boolean }): Linear {
    const bias = init.bias ? be.zeros([outFeatures]) : null;
    return new Linear(normal(be, [outFeatures, inFeatures], init), bias);
  }

  get inFeatures(): number {
    return this.weight.shape[1];
  }

  get outFeatures(): number {
    return this.weight.shape[0];
  }

  /** x [..., in] -> [..., out]. */
  forward(x: Tensor): Tensor {
    if (x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError(`Linear: input ${shapeStr(x.shape)} does not end in in_features ${this.inFeatures} (weight ${shapeStr(this.weight.shape)})`);
    }
    const x2 = x.rank === 1 ? reshape(x, [1, x.shape[0]]) : x;
    let y = matmul(x2, this.weight, { transB: true });
    if (this.bias) y = add(y, this.bias);
    return x.rank === 1 ? reshape(y, [this.outFeatures]) : y;
  }
}

export class Embedding extends Module {
  readonly weight: Tensor;

  /** weight [V, C]. */
  constructor(weight: Tensor) {
    super();
    if (weight.rank !== 2) throw new ShapeError(`Embedding: weight ${shapeStr(weight.shape)} must be [V, C]`);
    this.weight = this.param('weight', weight);
  }

  static init(be: Backend, vocab: number, channels: number, init: InitOptions): Embedding {
    return new Embedding(normal(be, [vocab, channels], init));
  }

  /** ids (i32, any shape) -> [...ids.shape, C]. */
  forward(ids: Tensor): Tensor {
    return embedding(this.weight, ids);
  }
}

export class RMSNorm extends Module {
  readonly weight: Tensor;

  constructor(
    weight: Tensor,
    readonly eps = 1e-5,
  ) {
    super();
    this.weight = this.param('weight', weight);
  }

  static init(be: Backend, channels: number, eps = 1e-5): RMSNorm {
    return new RMSNorm(be.full([channels], 1), eps);
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, this.eps);
  }
}

export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(
    weight: Tensor,
    bias: Tensor,
    readonly eps = 1e-5,
  ) {
    super();
    this.weight = this.param('weight', weight);
    this.bias = this.param('bias', bias);
  }

  static init(be: Backend, channels: number, eps = 1e-5): LayerNorm {
    return new LayerNorm(be.full([channels], 1), be.zeros([channels]), eps);
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
