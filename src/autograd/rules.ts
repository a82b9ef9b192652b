// The one table of backward rules. Each rule gets its node (inputs, output, saved values), the
// gradient of the output and which inputs need a gradient, and returns one gradient (or null) per
// input, of that input's shape. Rules call the backend only, so they run on cpu and webgpu alike.
// Every rule is checked against finite differences in tests/unit/autograd-gradcheck.test.ts.
import type { AttentionOptions, Backend, HeadLayout, MatmulOptions, UnaryOp } from '../tensor';
import { ops, shapeSize, type Shape, type Tensor } from '../tensor';

interface RuleNode<S> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly saved: S;
}

type Rule<S = null> = (node: RuleNode<S>, gy: Tensor, needs: readonly boolean[]) => Array<Tensor | null>;

function be(node: RuleNode<unknown>): Backend {
  return node.output.backend;
}

/** The gradient of a broadcast operand: sum over the broadcast dims, then back to its shape. */
function unbroadcast(b: Backend, g: Tensor, shape: Shape): Tensor {
  if (g.shape.join() === shape.join()) return g;
  return b.sumTo(g, shape);
}

export interface MatmulSaved {
  options: MatmulOptions;
}

/** Gradients of out = op(A) @ op(B), A [..., m, k] batched, B batched alike or shared 2-D. */
const matmulRule: Rule<MatmulSaved> = (node, gy, needs) => {
  const b = be(node);
  const [A, B] = node.inputs;
  const { transA = false, transB = false } = node.saved.options;
  const shared = B.rank === 2 && A.rank > 2;
  let gA: Tensor | null = null;
  let gB: Tensor | null = null;
  if (needs[0]) {
    if (!transA) {
      // dA = gy @ op(B)^T
      gA = b.matmul(gy, B, { transB: !transB });
    } else if (!shared) {
      // dA = op(B) @ gy^T
      gA = b.matmul(B, gy, { transA: transB, transB: true });
    } else {
      const t = b.matmul(gy, B, { transB: !transB });
      const r = t.rank;
      gA = b.permute(t, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
      t.dispose();
    }
  }
  if (needs[1]) {
    if (shared && !transA) {
      // Fold the batch into rows: B's gradient sums over every row of every batch.
      const k = A.shape[A.rank - 1];
      const n = gy.shape[gy.rank - 1];
      const rows = shapeSize(A.shape) / k;
      const A2 = A.reshape([rows, k]);
      const G2 = gy.reshape([rows, n]);
      gB = transB ? b.matmul(G2, A2, { transA: true }) : b.matmul(A2, G2, { transA: true });
      A2.dispose();
      G2.dispose();
    } else {
      // Per batch: d op(B) = op(A)^T @ gy; transposed back when B is used transposed.
      const full = transB ? b.matmul(gy, A, { transA: true, transB: transA }) : b.matmul(A, gy, { transA: !transA });
      if (shared) {
        gB = b.reduce('sum', full, Array.from({ length: full.rank - 2 }, (_, i) => i), false);
        full.dispose();
      } else gB = full;
    }
  }
  return [gA, gB];
};

const broadcastBinary =
  (kind: 'add' | 'sub' | 'mul' | 'div'): Rule =>
  (node, gy, needs) => {
    const b = be(node);
    const [x, y] = node.inputs;
    let gx: Tensor | null = null;
    let gyy: Tensor | null = null;
    if (needs[0]) {
      const t = kind === 'add' || kind === 'sub' ? gy : b.binary(kind === 'mul' ? 'mul' : 'div', gy, y);
      gx = unbroadcast(b, t, x.shape);
      if (t !== gx && t !== gy) t.dispose();
    }
    if (needs[1]) {
      let t: Tensor;
      if (kind === 'add') t = gy;
      else if (kind === 'sub') t = b.unary('neg', gy);
      else if (kind === 'mul') t = b.binary('mul', gy, x);
      else {
        // d(x / y)/dy = -x / y^2 = -(out / y)
        const q = b.binary('div', node.output, y);
        const p = b.binary('mul', gy, q);
        t = b.unary('neg', p);
        q.dispose();
        p.dispose();
      }
      gyy = unbroadcast(b, t, y.shape);
      if (t !== gyy && t !== gy) t.dispose();
    }
    return [gx, gyy];
  };

export interface UnarySaved {
  op: UnaryOp;
}
export interface AffineSaved {
  scale: number;
}
export interface AxesSaved {
  axes: number[];
  keepDims: boolean;
}
export interface PermuteSaved {
  perm: number[];
}
export interface SliceSaved {
  axis: number;
  start: number;
  end: number;
}
export interface ConcatSaved {
  axis: number;
}
export interface NormSaved {
  rstd: Tensor;
  mean?: Tensor;
}
export interface RopeSaved {
  positions: Tensor;
  theta: number;
  layout: HeadLayout;
}
export interface AttentionSaved {
  lse: Tensor;
  options: AttentionOptions;
}
export interface LseSaved {
  lse: Tensor;
}
export interface CrossEntropySaved extends LseSaved {
  ignoreIndex: number;
}

const keepDimsShape = (shape: Shape, axes: number[]): number[] => shape.map((d, i) => (axes.includes(i) ? 1 : d));

export const RULES = {
  add: broadcastBinary('add'),
  sub: broadcastBinary('sub'),
  mul: broadcastBinary('mul'),
  div: broadcastBinary('div'),
  unary: ((node, gy) => [be(node).unaryBackward(node.saved.op, node.inputs[0], gy)]) as Rule<UnarySaved>,
  affine: ((node, gy) => [be(node).affine(gy, node.saved.scale, 0)]) as Rule<AffineSaved>,
  reshape: ((node, gy) => [gy.reshape(node.inputs[0].shape)]) as Rule,
  permute: ((node, gy) => {
    const inverse = new Array<number>(node.saved.perm.length);
    node.saved.perm.forEach((p, i) => (inverse[p] = i));
    return [be(node).permute(gy, inverse)];
  }) as Rule<PermuteSaved>,
  slice: ((node, gy) => {
    const b = be(node);
    const x = node.inputs[0];
    const { axis, start, end } = node.saved;
    const parts: Tensor[] = [];
    const pad = (n: number) => {
      const s = [...x.shape];
      s[axis] = n;
      return b.zeros(s);
    };
    if (start > 0) parts.push(pad(start));
    parts.push(gy);
    if (end < x.shape[axis]) parts.push(pad(x.shape[axis] - end));
    if (parts.length === 1) return [gy];
    const g = b.concat(parts, axis);
    for (const p of parts) if (p !== gy) p.dispose();
    return [g];
  }) as Rule<SliceSaved>,
  concat: ((node, gy, needs) => {
    const b = be(node);
    let offset = 0;
    return node.inputs.map((t, i) => {
      const from = offset;
      offset += t.shape[node.saved.axis];
      return needs[i] ? b.slice(gy, node.saved.axis, from, offset) : null;
    });
  }) as Rule<ConcatSaved>,
  broadcastTo: ((node, gy) => [be(node).sumTo(gy, node.inputs[0].shape)]) as Rule,
  sum: ((node, gy) => {
    const x = node.inputs[0];
    const g = gy.reshape(keepDimsShape(x.shape, node.saved.axes));
    const out = be(node).broadcastTo(g, x.shape);
    g.dispose();
    return [out];
  }) as Rule<AxesSaved>,
  mean: ((node, gy) => {
    const b = be(node);
    const x = node.inputs[0];
    const count = node.saved.axes.reduce((n, a) => n * x.shape[a], 1);
    const g = gy.reshape(keepDimsShape(x.shape, node.saved.axes));
    const wide = b.broadcastTo(g, x.shape);
    const out = b.affine(wide, 1 / count, 0);
    g.dispose();
    wide.dispose();
    return [out];
  }) as Rule<AxesSaved>,
  softmax: ((node, gy) => [be(node).softmaxBackward(node.output, gy)]) as Rule,
  logSoftmax: ((node, gy) => [be(node).logSoftmaxBackward(node.output, gy)]) as Rule,
  matmul: matmulRule,
  rmsNorm: ((node, gy, needs) => {
    const [x, w] = node.inputs;
    const { dx, dweight } = ops.rmsNormBackward(be(node), x, w, node.saved.rstd, gy);
    return [needs[0] ? dx : (dx.dispose(), null), needs[1] ? dweight : (dweight.dispose(), null)];
  }) as Rule<NormSaved>,
  layerNorm: ((node, gy, needs) => {
    const [x, w] = node.inputs;
    const r = ops.layerNormBackward(be(node), x, w, node.saved.mean as Tensor, node.saved.rstd, gy);
    const pick = (t: Tensor, i: number) => (needs[i] ? t : (t.dispose(), null));
    return [pick(r.dx, 0), pick(r.dweight, 1), pick(r.dbias, 2)];
  }) as Rule<NormSaved>,
  // The rotation is orthogonal: its backward is the inverse rotation of the gradient.
  rope: ((node, gy) => [ops.rope(be(node), gy, node.saved.positions, node.saved.theta, true, node.saved.layout)]) as Rule<RopeSaved>,
  attention: ((node, gy, needs) => {
    const [q, k, v] = node.inputs;
    const r = ops.attentionBackward(be(node), q, k, v, node.output, node.saved.lse, gy, node.saved.options);
    const pick = (t: Tensor, i: number) => (needs[i] ? t : (t.dispose(), null));
    return [pick(r.dq, 0), pick(r.dk, 1), pick(r.dv, 2)];
  }) as Rule<AttentionSaved>,
  // inputs: [table, ids]; ids (i32) never need a gradient.
  embedding: ((node, gy) => {
    const [table, ids] = node.inputs;
    return [ops.embeddingBackward(be(node), ids, gy, table.shape[0]), null];
  }) as Rule,
  // inputs: [logits, targets].
  crossEntropy: ((node, gy) => {
    const [logits, targets] = node.inputs;
    return [ops.crossEntropyBackward(be(node), logits, targets, node.saved.lse, gy, node.saved.ignoreIndex), null];
  }) as Rule<CrossEntropySaved>,
  gatherLogProbs: ((node, gy) => {
    const [logits, targets] = node.inputs;
    return [ops.gatherLogProbsBackward(be(node), logits, targets, node.saved.lse, gy), null];
  }) as Rule<LseSaved>,
} satisfies Record<string, Rule<never>>;

export type OpName = keyof typeof RULES;
