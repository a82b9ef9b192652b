// The cpu backend's transformer ops: thin wrappers that check shapes and call the CPU references
// of the transformer kernels (src/tensor/kernels/<name>.ts), so cpu and webgpu share one
// definition of every result.
import type { AdamWHyper, AttentionOptions, HeadLayout } from '../backend';
import { adamwCpu } from '../kernels/adamw';
import { crossEntropyBackwardCpu, crossEntropyCpu } from '../kernels/cross-entropy';
import { embeddingBackwardCpu, embeddingCpu } from '../kernels/embedding';
import { logprobsBackwardCpu, logprobsCpu } from '../kernels/logprobs';
import { ropeCpu } from '../kernels/rope';
import { layernormBackwardCpu, layernormCpu } from '../kernels/layernorm';
import { rmsnormBackwardCpu, rmsnormCpu } from '../kernels/rmsnorm';
import type { Tensor } from '../tensor';
import { planAttention, planEmbedding, planRope, planRows, rowsAndChannels } from '../transformer-plan';
import { expectSameShape } from '../plan';
import { attentionBackwardFast, attentionFast } from './attention-fast';
import type { CpuBackend } from './backend';

export function cpuTransformerOps(be: CpuBackend) {
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
    rope(x: Tensor, positions: Tensor, theta: number, inverse: boolean, layout: HeadLayout): Tensor {
      const s = planRope(x, positions, theta, inverse, layout);
      return be.wrap(ropeCpu(be.f32(x, 'rope'), be.i32(positions, 'rope'), s), x.shape);
    },
    attention(q: Tensor, k: Tensor, v: Tensor, o: AttentionOptions) {
      const s = planAttention(q, k, v, o);
      const mask = o.keyMask ? be.view(o.keyMask) : null;
      const r = attentionFast(be.f32(q, 'attention'), be.f32(k, 'attention'), be.f32(v, 'attention'), mask, s);
      return { out: be.wrap(r.out, q.shape), lse: be.wrap(r.lse, [s.b, s.hq, s.t]) };
    },
    attentionBackward(q: Tensor, k: Tensor, v: Tensor, out: Tensor, lse: Tensor, dout: Tensor, o: AttentionOptions) {
      const s = planAttention(q, k, v, o);
      const op = 'attention backward';
      const mask = o.keyMask ? be.view(o.keyMask) : null;
      const r = attentionBackwardFast(be.f32(q, op), be.f32(k, op), be.f32(v, op), mask, be.f32(out, op), be.f32(lse, op), be.f32(dout, op), s);
      return { dq: be.wrap(r.dq, q.shape), dk: be.wrap(r.dk, k.shape), dv: be.wrap(r.dv, v.shape) };
    },
    embedding(table: Tensor, ids: Tensor): Tensor {
      const s = planEmbedding(table.shape[0], table, ids);
      return be.wrap(embeddingCpu(be.f32(table, 'embedding'), be.i32(ids, 'embedding'), s), [...ids.shape, s.c]);
    },
    embeddingBackward(ids: Tensor, dy: Tensor, vocab: number): Tensor {
      const s = planEmbedding(vocab, dy, ids);
      return be.wrap(embeddingBackwardCpu(be.i32(ids, 'embedding backward'), be.f32(dy, 'embedding backward'), s), [vocab, s.c]);
    },
    crossEntropy(logits: Tensor, targets: Tensor, ignoreIndex: number) {
      const s = { ...planRows('crossEntropy', logits, targets), ignoreIndex };
      const r = crossEntropyCpu(be.f32(logits, 'crossEntropy'), be.i32(targets, 'crossEntropy'), s);
      return { losses: be.wrap(r.losses, [s.n]), lse: be.wrap(r.lse, [s.n]) };
    },
    crossEntropyBackward(logits: Tensor, targets: Tensor, lse: Tensor, dlosses: Tensor, ignoreIndex: number): Tensor {
      const op = 'crossEntropy backward';
      const s = { ...planRows(op, logits, targets), ignoreIndex };
      return be.wrap(crossEntropyBackwardCpu(be.f32(logits, op), be.i32(targets, op), be.f32(lse, op), be.f32(dlosses, op), s), logits.shape);
    },
    gatherLogProbs(logits: Tensor, targets: Tensor) {
      const s = planRows('gatherLogProbs', logits, targets);
      const r = logprobsCpu(be.f32(logits, 'gatherLogProbs'), be.i32(targets, 'gatherLogProbs'), s);
      return { logps: be.wrap(r.logps, [s.n]), lse: be.wrap(r.lse, [s.n]) };
    },
    gatherLogProbsBackward(logits: Tensor, targets: Tensor, lse: Tensor, dlogps: Tensor): Tensor {
      const op = 'gatherLogProbs backward';
      const s = planRows(op, logits, targets);
      return be.wrap(logprobsBackwardCpu(be.f32(logits, op), be.i32(targets, op), be.f32(lse, op), be.f32(dlogps, op), s), logits.shape);
    },
    adamw(p: Tensor, g: Tensor, m: Tensor, v: Tensor, h: AdamWHyper, scale: Tensor | null): void {
      for (const t of [g, m, v]) expectSameShape('adamw', p, t);
      const s = scale ? be.f32(scale, 'adamw')[0] : 1;
      adamwCpu(be.f32(p, 'adamw'), be.f32(g, 'adamw'), be.f32(m, 'adamw'), be.f32(v, 'adamw'), h, s);
    },
  };
}
