// Losses on autograd ops. Cross-entropy averages over the targets that are not ignored, as
// PyTorch's F.cross_entropy(ignore_index=-100) does; the count comes from the host-side targets,
// so no readback is needed.
import { crossEntropy, gatherLogProbs, IGNORE_INDEX, reshape, scale, sum } from '../autograd';
import { ShapeError, shapeStr, type Tensor } from '../tensor';

export interface CrossEntropyOptions {
  ignoreIndex?: number;
}

/**
 * Mean cross-entropy of logits [..., V] against targets (the same leading shape, i32). `targets`
 * may be host ids (uploaded here) or a tensor with `count`, the number of targets not ignored.
 */
export function crossEntropyLoss(logits: Tensor, targets: Int32Array | Tensor, options: CrossEntropyOptions & { count?: number } = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? IGNORE_INDEX;
  const V = logits.shape[logits.rank - 1];
  const N = logits.size / V;
  let t: Tensor;
  let count = options.count;
  if (targets instanceof Int32Array) {
    if (targets.length !== N) throw new ShapeError(`crossEntropyLoss: ${targets.length} targets for logits ${shapeStr(logits.shape)} (${N} rows)`);
    t = logits.backend.fromData(targets, [N], 'i32');
    count ??= targets.reduce((c, id) => c + (id === ignoreIndex ? 0 : 1), 0);
  } else {
    if (targets.size !== N) throw new ShapeError(`crossEntropyLoss: targets ${shapeStr(targets.shape)} for logits ${shapeStr(logits.shape)}`);
    if (count === undefined) throw new ShapeError('crossEntropyLoss: pass `count` (targets not ignored) with tensor targets');
    t = targets.reshape([N]);
  }
  const losses = crossEntropy(reshape(logits, [N, V]), t, ignoreIndex);
  // All targets ignored: the mean is 0/0 in PyTorch (NaN); we return 0 so a fully padded batch is harmless.
  return scale(sum(losses), count > 0 ? 1 / count : 0);
}

/** log p(target) per position: logits [..., V], targets [...] (i32) -> [...]. */
export function tokenLogProbs(logits: Tensor, targets: Tensor): Tensor {
  const V = logits.shape[logits.rank - 1];
  const N = logits.size / V;
  if (targets.size !== N) throw new ShapeError(`tokenLogProbs: targets ${shapeStr(targets.shape)} for logits ${shapeStr(logits.shape)}`);
  const lp = gatherLogProbs(reshape(logits, [N, V]), targets.reshape([N]));
  return reshape(lp, targets.shape);
}
