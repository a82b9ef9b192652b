// The embedding op on either backend: a gather of table rows and its scatter-add backward.
// Kernel: ../kernels/embedding.ts.
import type { Backend } from '../backend';
import { embeddingBackwardCpu, embeddingBackwardScratch, embeddingCpu, encodeEmbedding, encodeEmbeddingBackward } from '../kernels/embedding';
import { expectDType } from '../plan';
import type { Tensor } from '../tensor';
import { planEmbedding } from '../transformer-plan';
import { CpuBackend, webgpuOf } from './backends';

/** Rows of table [V, C] at ids (i32, any shape) -> [...ids.shape, C]. */
export function embedding(be: Backend, table: Tensor, ids: Tensor): Tensor {
  if (be instanceof CpuBackend) {
    const s = planEmbedding(table.shape[0], table, ids);
    return be.wrap(embeddingCpu(be.f32(table, 'embedding'), be.i32(ids, 'embedding'), s), [...ids.shape, s.c]);
  }
  const gpu = webgpuOf(be, 'embedding');
  expectDType('embedding', table, 'f32');
  const s = planEmbedding(table.shape[0], table, ids);
  const out = gpu.empty([...ids.shape, s.c], 'f32', 'embedding');
  encodeEmbedding(gpu.ctx, gpu.encoder(), gpu.buffer(table), gpu.buffer(ids), gpu.buffer(out), s);
  return out;
}

/** Scatter-add of dy [...ids.shape, C] into a zero [V, C]. */
export function embeddingBackward(be: Backend, ids: Tensor, dy: Tensor, vocab: number): Tensor {
  const op = 'embedding backward';
  if (be instanceof CpuBackend) {
    const s = planEmbedding(vocab, dy, ids);
    return be.wrap(embeddingBackwardCpu(be.i32(ids, op), be.f32(dy, op), s), [vocab, s.c]);
  }
  const gpu = webgpuOf(be, op);
  expectDType(op, dy, 'f32');
  const s = planEmbedding(vocab, dy, ids);
  const dtable = gpu.empty([vocab, s.c], 'f32', op);
  const scratch = gpu.empty([embeddingBackwardScratch(s)], 'i32', op);
  encodeEmbeddingBackward(gpu.ctx, gpu.encoder(), gpu.buffer(ids), gpu.buffer(dy), gpu.buffer(scratch), gpu.buffer(dtable), s);
  scratch.dispose();
  return dtable;
}
