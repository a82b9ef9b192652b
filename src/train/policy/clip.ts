// Piecewise ops on the tape built from relu, which both backends have (there is no recorded
// maximum/clamp op): maximum(a, b) = a + relu(b - a) and clamp(x, lo, hi) = x - relu(x - hi) +
// relu(lo - x). Inside the range clamp returns x exactly (relu gives an exact 0), so PPO's two
// surrogate terms are bitwise equal there, as in PyTorch. Gradients match torch.maximum/clamp:
// clamp passes the gradient on [lo, hi] including the ends (relu'(0) = 0), and at a tie maximum
// gives it all to `a` where torch splits it in halves, which sums to the same when a and b have
// equal gradients (the only ties PPO has: the clipped and unclipped terms inside the range).
import { add, addScalar, affine, relu, sub } from '../../autograd';
import type { Tensor } from '../../tensor';

export function maximum(a: Tensor, b: Tensor): Tensor {
  return add(a, relu(sub(b, a)));
}

/** clamp(x, lo, hi) with scalar bounds (lo <= hi). */
export function clampScalar(x: Tensor, lo: number, hi: number): Tensor {
  return add(sub(x, relu(addScalar(x, -hi))), relu(affine(x, -1, lo)));
}

/** clamp(x, lo, hi) with elementwise bounds of x's shape (lo <= hi everywhere). */
export function clampTensor(x: Tensor, lo: Tensor, hi: Tensor): Tensor {
  return add(sub(x, relu(sub(x, hi))), relu(sub(lo, x)));
}
