// The cpu backend's transformer ops: thin wrappers that check shapes and call the CPU references
// of the transformer kernels (src/tensor/kernels/<name>.ts), so cpu and webgpu share one
// definition of every result.
import type { AdamWHyper, AttentionOptions } from '../backend';
import { layernormBackwardCpu, layernormCpu } from '../kernels/layernorm';
import { rmsnormBackwardCpu, rmsnormCpu } from '../kernels/rmsnorm';
import { ShapeError, shapeStr, type Tensor } from '../tensor';
import type { CpuBackend } from './backend';

/** Thrown for a kernel that is not wired into this backend yet. */
export class KernelNotWiredError extends Error {
  override name = 'KernelNotWiredError';
  constructor(op: string, backend: string) {
    super(`${op} is not available on the ${backend} backend yet`);
  }
}

export function rowsAndChannels(op: string, x: Tensor, weight: Tensor): { n: number; c: number } {
  const c = x.shape[x.rank - 1];
  if (x.rank < 1 || weight.rank !== 1 || weight.shape[0] !== c) {
    throw new ShapeError(`${op}: x ${shapeStr(x.shape)} and weight ${shapeStr(weight.shape)} do not match (weight must be [C] of x's last axis)`);
  }
  return { n: c === 0 ? 0 : x.size / c, c };
}

export function cpuTransformerOps(be: CpuBackend) {
  const notWired = (op: string): never => {
    throw new KernelNotWiredError(op, 'cpu');
  };
  return {
    rmsNorm(x: Tensor, weight: Tensor, eps: number) {
      const s = { ...rowsAndChannels('rmsNorm', x, weight), eps };
      const { y, rstd } = rmsnormCpu(be.f32(x, 'rmsNorm'), be.f32(weight, 'rmsNorm'), s);
      return { y: be.wrap(y, x.shape), rstd: be.wrap(rstd, x.shape.slice(0, -1)) };
    },
    rmsNormBackward(x: Tensor, weight: Tensor, rstd: Tensor, dy: Tensor) {
      const s = rowsAndChannels('rmsNorm backward', x, weight);
      const r = rmsnormBackwardCpu(be.f32(x, 'rmsNorm'), be.f32(weight, 'rmsNorm'), be.f32(rstd, 'rmsNorm'), be.f32(dy, 'rmsNorm'), s);
      return { dx: be.wrap(r.dx, x.shape), dweight: be.wrap(r.dweight, weight.shape) };
    },
    layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number) {
      const s = { ...rowsAndChannels('layerNorm', x, weight), eps };
      rowsAndChannels('layerNorm', x, bias);
      const r = layernormCpu(be.f32(x, 'layerNorm'), be.f32(weight, 'layerNorm'), be.f32(bias, 'layerNorm'), s);
      const rows = x.shape.slice(0, -1);
      return { y: be.wrap(r.y, x.shape), mean: be.wrap(r.mean, rows), rstd: be.wrap(r.rstd, rows) };
    },
    layerNormBackward(x: Tensor, weight: Tensor, mean: Tensor, rstd: Tensor, dy: Tensor) {
      const s = rowsAndChannels('layerNorm backward', x, weight);
      const op = 'layerNorm backward';
      const r = layernormBackwardCpu(be.f32(x, op), be.f32(weight, op), be.f32(mean, op), be.f32(rstd, op), be.f32(dy, op), s);
      return { dx: be.wrap(r.dx, x.shape), dweight: be.wrap(r.dweight, weight.shape), dbias: be.wrap(r.dbias, weight.shape) };
    },
    rope(_x: Tensor, _positions: Tensor, _theta: number, _inverse: boolean): Tensor {
      return notWired('rope');
    },
    attention(_q: Tensor, _k: Tensor, _v: Tensor, _o: AttentionOptions): { out: Tensor; lse: Tensor } {
      return notWired('attention');
    },
    attentionBackward(_q: Tensor, _k: Tensor, _v: Tensor, _out: Tensor, _lse: Tensor, _dout: Tensor, _o: AttentionOptions): { dq: Tensor; dk: Tensor; dv: Tensor } {
      return notWired('attention backward');
    },
    embedding(_table: Tensor, _ids: Tensor): Tensor {
      return notWired('embedding');
    },
    embeddingBackward(_ids: Tensor, _dy: Tensor, _vocab: number): Tensor {
      return notWired('embedding backward');
    },
    crossEntropy(_logits: Tensor, _targets: Tensor, _ignore: number): { losses: Tensor; lse: Tensor } {
      return notWired('crossEntropy');
    },
    crossEntropyBackward(_logits: Tensor, _targets: Tensor, _lse: Tensor, _d: Tensor, _ignore: number): Tensor {
      return notWired('crossEntropy backward');
    },
    gatherLogProbs(_logits: Tensor, _targets: Tensor): { logps: Tensor; lse: Tensor } {
      return notWired('gatherLogProbs');
    },
    gatherLogProbsBackward(_logits: Tensor, _targets: Tensor, _lse: Tensor, _d: Tensor): Tensor {
      return notWired('gatherLogProbs backward');
    },
    adamw(_p: Tensor, _g: Tensor, _m: Tensor, _v: Tensor, _h: AdamWHyper, _scale: Tensor | null): void {
      notWired('adamw');
    },
  };
}
