// Parameters: leaf tensors that require grad, kept out of tidy scopes, with a name. Freezing one
// (LoRA's base weights, a frozen backbone, DPO's reference model) stops its gradient and the
// backward work that would compute it.
import { keep, type Tensor } from '../tensor';

export function parameter(t: Tensor, name = ''): Tensor {
  keep(t);
  t.requiresGrad = true;
  if (name) t.name = name;
  return t;
}

export function freeze(...params: Tensor[]): void {
  for (const p of params) {
    p.requiresGrad = false;
    p.grad?.dispose();
    p.grad = null;
  }
}

export function unfreeze(...params: Tensor[]): void {
  for (const p of params) p.requiresGrad = true;
}

/** Drops the gradients of `params` (the optimizer calls this after its step). */
export function zeroGrad(params: Iterable<Tensor>): void {
  for (const p of params) {
    p.grad?.dispose();
    p.grad = null;
  }
}
