// The tape: every differentiable op (./ops.ts) records a node naming its rule in the one table of
// backward rules (./rules.ts), its inputs, its output and what the rule needs saved. `backward`
// walks the nodes reachable from a scalar loss in reverse creation order (a topological order),
// sums gradients per tensor and leaves them on leaves that require grad (parameters) as `.grad`.
// `noGrad(fn)` turns recording off for inference; frozen parameters (requiresGrad = false) get no
// gradient and cost no backward work.
import { keep, ShapeError, shapeStr, type Backend, type Tensor } from '../tensor';
import { RULES, type OpName } from './rules';

export interface Node {
  readonly id: number;
  readonly op: OpName;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** Tensors and values the rule needs (e.g. rstd of a norm, options of a matmul). */
  readonly saved: unknown;
}

let nextNodeId = 1;
let gradDepthOff = 0;

/** Whether ops record onto the tape (false inside noGrad). */
export function isGradEnabled(): boolean {
  return gradDepthOff === 0;
}

/** Runs `fn` without recording: for inference, evaluation and optimizer updates. */
export function noGrad<T>(fn: () => T): T {
  gradDepthOff++;
  try {
    return fn();
  } finally {
    gradDepthOff--;
  }
}

/** Async form of noGrad (recording stays off until the promise settles). */
export async function noGradAsync<T>(fn: () => Promise<T>): Promise<T> {
  gradDepthOff++;
  try {
    return await fn();
  } finally {
    gradDepthOff--;
  }
}

/** Records `output = op(inputs)` if recording is on and an input needs a gradient; returns output. */
export function record<T extends Tensor>(op: OpName, inputs: readonly Tensor[], output: T, saved: unknown = null): T {
  if (gradDepthOff > 0 || !inputs.some((t) => t.requiresGrad)) return output;
  output.requiresGrad = true;
  output.gradNode = { id: nextNodeId++, op, inputs, output, saved } satisfies Node;
  return output;
}

/** A tensor with the same values that is cut from the graph (gradients stop here). */
export function detach(t: Tensor): Tensor {
  const view = t.reshape(t.shape);
  view.requiresGrad = false;
  return view;
}

export class BackwardError extends Error {
  override name = 'BackwardError';
}

export interface BackwardOptions {
  /** dL/d(loss); defaults to ones (a scalar loss, or the sum of a tensor's elements). */
  grad?: Tensor;
  /** Keep the graph for a second backward (default: released). */
  retainGraph?: boolean;
}

/**
 * Backpropagates from `loss`. Leaf tensors that require grad get `.grad` (kept out of tidy);
 * an existing `.grad` is accumulated into in place (gradient accumulation over micro-batches).
 */
export function backward(loss: Tensor, options: BackwardOptions = {}): void {
  loss.assertLive('backward');
  if (!loss.requiresGrad) {
    throw new BackwardError(`backward: ${shapeStr(loss.shape)} loss does not depend on any tensor that requires grad (all frozen, or computed under noGrad)`);
  }
  const be: Backend = loss.backend;
  const seed = options.grad ?? be.full(loss.shape, 1);
  if (options.grad && options.grad.shape.join() !== loss.shape.join()) {
    throw new ShapeError(`backward: grad ${shapeStr(options.grad.shape)} does not match loss ${shapeStr(loss.shape)}`);
  }

  // Nodes reachable from the loss, newest first.
  const nodes: Node[] = [];
  const seen = new Set<Node>();
  const stack: Tensor[] = [loss];
  while (stack.length > 0) {
    const node = stack.pop()!.gradNode as Node | null;
    if (!node || seen.has(node)) continue;
    seen.add(node);
    nodes.push(node);
    for (const t of node.inputs) if (t.requiresGrad) stack.push(t);
  }
  nodes.sort((a, b) => b.id - a.id);

  const grads = new Map<Tensor, Tensor>();
  const accumulate = (t: Tensor, g: Tensor) => {
    if (g.shape.join() !== t.shape.join()) {
      throw new BackwardError(`backward: gradient ${shapeStr(g.shape)} for ${t} (shape ${shapeStr(t.shape)})`);
    }
    const prev = grads.get(t);
    if (!prev) grads.set(t, g);
    else {
      grads.set(t, be.binary('add', prev, g));
      prev.dispose();
      g.dispose();
    }
  };
  accumulate(loss, seed.reshape(loss.shape));
  if (!options.grad) seed.dispose();

  for (const node of nodes) {
    const gy = grads.get(node.output);
    if (!gy) continue; // the output did not reach the loss
    grads.delete(node.output);
    const needs = node.inputs.map((t) => t.requiresGrad);
    const raw = RULES[node.op](node as never, gy, needs);
    const used = new Set<Tensor>([gy]);
    node.inputs.forEach((t, i) => {
      let g = raw[i];
      if (!needs[i] || !g) {
        if (g && !used.has(g)) g.dispose();
        return;
      }
      // Each map entry must be its own tensor object (entries are disposed independently).
      if (used.has(g)) g = g.reshape(g.shape);
      used.add(g);
      accumulate(t, g);
    });
    gy.dispose();
    if (!options.retainGraph) node.output.gradNode = null;
  }

  for (const [t, g] of grads) {
    if (t.gradNode) continue; // an interior tensor whose node did not run (cannot happen) — skip
    let final = g;
    // A view sharing storage with another live tensor must not be accumulated into in place.
    if (final.storage.refs > 1) {
      final = be.copy(g);
      g.dispose();
    }
    if (t.grad && !t.grad.isDisposed) {
      be.addScaledInPlace(t.grad, final, 1);
      final.dispose();
    } else {
      final.name = t.name ? `${t.name}.grad` : '';
      t.grad = keep(final);
    }
  }
}
