// The webgpu backend's transformer ops: shape checks, output allocation from the pool, and the
// transformer kernels' encoders (src/tensor/kernels/<name>.ts) recorded into the pending encoder.
import type { AdamWHyper, AttentionOptions } from '../backend';
import { KernelNotWiredError, rowsAndChannels } from '../cpu/transformer-ops';
import { encodeLayernorm, encodeLayernormBackward } from '../kernels/layernorm';
import { encodeRmsnorm, encodeRmsnormBackward } from '../kernels/rmsnorm';
import { expectDType } from '../plan';
import type { Tensor } from '../tensor';
import type { WebGpuBackend } from './backend';

export function webgpuTransformerOps(be: WebGpuBackend) {
  const ctx = be.ctx;
  const notWired = (op: string): never => {
    throw new KernelNotWiredError(op, 'webgpu');
  };
  const f32 = (op: string, ...ts: Tensor[]) => ts.forEach((t) => expectDType(op, t, 'f32'));
  return {
    rmsNorm(x: Tensor, weight: Tensor, eps: number) {
      f32('rmsNorm', x, weight);
      const s = { ...rowsAndChannels('rmsNorm', x, weight), eps };
      const y = be.empty(x.shape, 'f32', 'rmsNorm');
      const rstd = be.empty(x.shape.slice(0, -1), 'f32', 'rmsNorm');
      encodeRmsnorm(ctx, be.encoder(), be.buffer(x), be.buffer(weight), be.buffer(y), be.buffer(rstd), s);
      return { y, rstd };
    },
    rmsNormBackward(x: Tensor, weight: Tensor, rstd: Tensor, dy: Tensor) {
      f32('rmsNorm backward', x, weight, rstd, dy);
      const s = rowsAndChannels('rmsNorm backward', x, weight);
      const dx = be.empty(x.shape, 'f32', 'rmsNorm backward');
      const dweight = be.empty(weight.shape, 'f32', 'rmsNorm backward');
      encodeRmsnormBackward(ctx, be.encoder(), be.buffer(x), be.buffer(weight), be.buffer(rstd), be.buffer(dy), be.buffer(dx), be.buffer(dweight), s);
      return { dx, dweight };
    },
    layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number) {
      f32('layerNorm', x, weight, bias);
      const s = { ...rowsAndChannels('layerNorm', x, weight), eps };
      rowsAndChannels('layerNorm', x, bias);
      const rows = x.shape.slice(0, -1);
      const y = be.empty(x.shape, 'f32', 'layerNorm');
      const mean = be.empty(rows, 'f32', 'layerNorm');
      const rstd = be.empty(rows, 'f32', 'layerNorm');
      encodeLayernorm(ctx, be.encoder(), be.buffer(x), be.buffer(weight), be.buffer(bias), be.buffer(y), be.buffer(mean), be.buffer(rstd), s);
      return { y, mean, rstd };
    },
    layerNormBackward(x: Tensor, weight: Tensor, mean: Tensor, rstd: Tensor, dy: Tensor) {
      f32('layerNorm backward', x, weight, mean, rstd, dy);
      const s = rowsAndChannels('layerNorm backward', x, weight);
      const dx = be.empty(x.shape, 'f32', 'layerNorm backward');
      const dweight = be.empty(weight.shape, 'f32', 'layerNorm backward');
      const dbias = be.empty(weight.shape, 'f32', 'layerNorm backward');
      const b = (t: Tensor) => be.buffer(t);
      encodeLayernormBackward(ctx, be.encoder(), b(x), b(weight), b(mean), b(rstd), b(dy), b(dx), b(dweight), b(dbias), s);
      return { dx, dweight, dbias };
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
