// The backward of matmul as two more matmuls, for every combination of transpose and broadcast
// flags. With C = op(A) @ op(B) and upstream gradient dC: d op(A) = dC @ op(B)^T and
// d op(B) = op(A)^T @ dC; a transposed operand's stored gradient is the transpose of that,
// obtained by swapping the factors; a shared (broadcast) operand's gradient sums over the batch,
// by flattening the batch into the product's depth where the layout allows, else per batch.
import type { MatmulShape } from './matmul-shape';

export type MatmulOperand = 'A' | 'B' | 'dC';

export interface MatmulGradStep {
  /** The product's left and right factors and its shape. */
  lhs: MatmulOperand;
  rhs: MatmulOperand;
  shape: MatmulShape;
  /** When true the product is [batch, ...] and the gradient is its sum over the batch axis. */
  sumOverBatch: boolean;
}

export interface MatmulGradPlan {
  dA: MatmulGradStep;
  dB: MatmulGradStep;
}

export function matmulGradPlan(s: MatmulShape): MatmulGradPlan {
  const { batch, m, n, k } = s;
  const transA = Boolean(s.transA);
  const transB = Boolean(s.transB);
  const bcA = Boolean(s.broadcastA);
  const bcB = Boolean(s.broadcastB);

  // Gradient of A as stored: [m, k] = dC @ op(B)^T, or [k, m] = op(B) @ dC^T when transposed.
  const dA: MatmulGradStep = transA
    ? { lhs: 'B', rhs: 'dC', shape: { batch, m: k, n: m, k: n, transA: transB, transB: true, broadcastA: bcB }, sumOverBatch: bcA }
    : { lhs: 'dC', rhs: 'B', shape: { batch, m, n: k, k: n, transB: !transB, broadcastB: bcB }, sumOverBatch: bcA };

  // Gradient of B as stored: [k, n] = op(A)^T @ dC, or [n, k] = dC^T @ op(A) when transposed.
  let dB: MatmulGradStep;
  if (bcB && !bcA && !transA) {
    // A is [batch*m, k] and dC [batch*m, n] once the batch is flattened: one product sums it.
    const depth = batch * m;
    dB = transB
      ? { lhs: 'dC', rhs: 'A', shape: { batch: 1, m: n, n: k, k: depth, transA: true }, sumOverBatch: false }
      : { lhs: 'A', rhs: 'dC', shape: { batch: 1, m: k, n, k: depth, transA: true }, sumOverBatch: false };
  } else if (!transB) {
    dB = {
      lhs: 'A',
      rhs: 'dC',
      shape: { batch, m: k, n, k: m, transA: !transA, broadcastA: bcA },
      sumOverBatch: bcB,
    };
  } else {
    dB = {
      lhs: 'dC',
      rhs: 'A',
      shape: { batch, m: n, n: k, k: m, transA: true, transB: transA, broadcastB: bcA },
      sumOverBatch: bcB,
    };
  }
  return { dA, dB };
}
