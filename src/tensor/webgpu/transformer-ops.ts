// The webgpu backend's transformer ops: shape checks, output allocation from the pool, and the
// transformer kernels' encoders (src/tensor/kernels/<name>.ts) recorded into the pending encoder.
import type { AdamWHyper, AttentionOptions, HeadLayout } from '../backend';
import { planAttention, planEmbedding, planRope, planRows, rowsAndChannels } from '../transformer-plan';
import { attentionBackwardScratch, encodeAttention, encodeAttentionBackward } from '../kernels/attention';
import { encodeAdamW } from '../kernels/adamw';
import { encodeCrossEntropy, encodeCrossEntropyBackward } from '../kernels/cross-entropy';
import { embeddingBackwardScratch, encodeEmbedding, encodeEmbeddingBackward } from '../kernels/embedding';
import { encodeLogprobs, encodeLogprobsBackward } from '../kernels/logprobs';
import { encodeRope } from '../kernels/rope';
import { encodeLayernorm, encodeLayernormBackward } from '../kernels/layernorm';
import { encodeRmsnorm, encodeRmsnormBackward } from '../kernels/rmsnorm';
import { expectDType, expectSameShape } from '../plan';
import type { Tensor } from '../tensor';
import type { WebGpuBackend } from './backend';

export function webgpuTransformerOps(be: WebGpuBackend) {
  const ctx = be.ctx;
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
    rope(x: Tensor, positions: Tensor, theta: number, inverse: boolean, layout: HeadLayout): Tensor {
      f32('rope', x);
      const s = planRope(x, positions, theta, inverse, layout);
      const out = be.empty(x.shape, 'f32', 'rope');
      encodeRope(ctx, be.encoder(), be.buffer(x), be.buffer(positions), be.buffer(out), s);
      return out;
    },
    attention(q: Tensor, k: Tensor, v: Tensor, o: AttentionOptions) {
      f32('attention', q, k, v);
      const s = planAttention(q, k, v, o);
      const out = be.empty(q.shape, 'f32', 'attention');
      const lse = be.empty([s.b, s.hq, s.t], 'f32', 'attention');
      const mask = o.keyMask ? be.buffer(o.keyMask) : null;
      encodeAttention(ctx, be.encoder(), be.buffer(q), be.buffer(k), be.buffer(v), mask, be.buffer(out), be.buffer(lse), s);
      return { out, lse };
    },
    attentionBackward(q: Tensor, k: Tensor, v: Tensor, out: Tensor, lse: Tensor, dout: Tensor, o: AttentionOptions) {
      f32('attention backward', q, k, v, out, lse, dout);
      const s = planAttention(q, k, v, o);
      const dq = be.empty(q.shape, 'f32', 'attention backward');
      const dk = be.empty(k.shape, 'f32', 'attention backward');
      const dv = be.empty(v.shape, 'f32', 'attention backward');
      const delta = be.empty([attentionBackwardScratch(s)], 'f32', 'attention backward');
      const mask = o.keyMask ? be.buffer(o.keyMask) : null;
      const b = (t: Tensor) => be.buffer(t);
      encodeAttentionBackward(ctx, be.encoder(), b(q), b(k), b(v), mask, b(out), b(lse), b(dout), b(delta), b(dq), b(dk), b(dv), s);
      // Safe to recycle now: later work that reuses the buffer is recorded after this pass.
      delta.dispose();
      return { dq, dk, dv };
    },
    embedding(table: Tensor, ids: Tensor): Tensor {
      f32('embedding', table);
      const s = planEmbedding(table.shape[0], table, ids);
      const out = be.empty([...ids.shape, s.c], 'f32', 'embedding');
      encodeEmbedding(ctx, be.encoder(), be.buffer(table), be.buffer(ids), be.buffer(out), s);
      return out;
    },
    embeddingBackward(ids: Tensor, dy: Tensor, vocab: number): Tensor {
      f32('embedding backward', dy);
      const s = planEmbedding(vocab, dy, ids);
      const dtable = be.empty([vocab, s.c], 'f32', 'embedding backward');
      const scratch = be.empty([embeddingBackwardScratch(s)], 'i32', 'embedding backward');
      encodeEmbeddingBackward(ctx, be.encoder(), be.buffer(ids), be.buffer(dy), be.buffer(scratch), be.buffer(dtable), s);
      scratch.dispose();
      return dtable;
    },
    crossEntropy(logits: Tensor, targets: Tensor, ignoreIndex: number) {
      f32('crossEntropy', logits);
      const s = { ...planRows('crossEntropy', logits, targets), ignoreIndex };
      const losses = be.empty([s.n], 'f32', 'crossEntropy');
      const lse = be.empty([s.n], 'f32', 'crossEntropy');
      encodeCrossEntropy(ctx, be.encoder(), be.buffer(logits), be.buffer(targets), be.buffer(losses), be.buffer(lse), s);
      return { losses, lse };
    },
    crossEntropyBackward(logits: Tensor, targets: Tensor, lse: Tensor, dlosses: Tensor, ignoreIndex: number): Tensor {
      const op = 'crossEntropy backward';
      f32(op, logits, lse, dlosses);
      const s = { ...planRows(op, logits, targets), ignoreIndex };
      const dlogits = be.empty(logits.shape, 'f32', op);
      const b = (t: Tensor) => be.buffer(t);
      encodeCrossEntropyBackward(ctx, be.encoder(), b(logits), b(targets), b(lse), b(dlosses), b(dlogits), s);
      return dlogits;
    },
    gatherLogProbs(logits: Tensor, targets: Tensor) {
      f32('gatherLogProbs', logits);
      const s = planRows('gatherLogProbs', logits, targets);
      const logps = be.empty([s.n], 'f32', 'gatherLogProbs');
      const lse = be.empty([s.n], 'f32', 'gatherLogProbs');
      encodeLogprobs(ctx, be.encoder(), be.buffer(logits), be.buffer(targets), be.buffer(logps), be.buffer(lse), s);
      return { logps, lse };
    },
    gatherLogProbsBackward(logits: Tensor, targets: Tensor, lse: Tensor, dlogps: Tensor): Tensor {
      const op = 'gatherLogProbs backward';
      f32(op, logits, lse, dlogps);
      const s = planRows(op, logits, targets);
      const dlogits = be.empty(logits.shape, 'f32', op);
      const b = (t: Tensor) => be.buffer(t);
      encodeLogprobsBackward(ctx, be.encoder(), b(logits), b(targets), b(lse), b(dlogps), b(dlogits), s);
      return dlogits;
    },
    adamw(p: Tensor, g: Tensor, m: Tensor, v: Tensor, h: AdamWHyper, scale: Tensor | null): void {
      f32('adamw', p, g, m, v);
      for (const t of [g, m, v]) expectSameShape('adamw', p, t);
      const b = (t: Tensor) => be.buffer(t);
      encodeAdamW(ctx, be.encoder(), b(p), b(g), b(m), b(v), scale ? b(scale) : null, { n: p.size, ...h });
    },
  };
}
