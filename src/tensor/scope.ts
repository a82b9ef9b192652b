// Memory scopes: `tidy(fn)` disposes every tensor created inside `fn` except those it returns and
// those marked with `keep`. GPU buffers are not garbage collected, so a training step runs inside
// one tidy and only parameters, gradients and optimizer state survive it. Returned tensors move to
// the enclosing scope, so scopes nest.

/**
 * What a scope tracks: a tensor (./tensor.ts), named by its shape here so that this module, which
 * the Tensor constructor calls, does not import it back.
 */
export interface Scoped {
  readonly storage: unknown;
  readonly shape: readonly number[];
  readonly backend: unknown;
  dispose(): void;
}

const stack: Array<Set<Scoped>> = [];
const kept = new WeakSet<Scoped>();

/** Called by the Tensor constructor. */
export function currentScopeTrack(t: Scoped): void {
  if (stack.length > 0) stack[stack.length - 1].add(t);
}

/** Exempts `t` from disposal by every enclosing scope (parameters, optimizer state, caches). */
export function keep<T extends Scoped>(t: T): T {
  kept.add(t);
  for (const scope of stack) scope.delete(t);
  return t;
}

/** Whether `t` was marked with `keep`. */
export function isKept(t: Scoped): boolean {
  return kept.has(t);
}

/** Any tensors found in a (nested) return value: a tensor, an array, or a plain object. */
function collect(value: unknown, into: Set<Scoped>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if (isTensorLike(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, into, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, into, depth + 1);
  }
}

function isTensorLike(value: object): value is Scoped {
  return 'storage' in value && 'shape' in value && 'backend' in value && typeof (value as Scoped).dispose === 'function';
}

function endScope(scope: Set<Scoped>, result: unknown): void {
  const escaping = new Set<Scoped>();
  collect(result, escaping);
  for (const t of scope) {
    if (escaping.has(t) || kept.has(t)) continue;
    // Gradients live on their tensors past the step (the optimizer consumes them).
    t.dispose();
  }
  if (stack.length > 0) for (const t of escaping) if (scope.has(t)) stack[stack.length - 1].add(t);
}

export function tidy<T>(fn: () => T): T {
  const scope = new Set<Scoped>();
  stack.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    stack.pop();
    endScope(scope, undefined);
    throw e;
  }
  stack.pop();
  if (result instanceof Promise) throw new TypeError('tidy: fn must be synchronous (use tidyAsync)');
  endScope(scope, result);
  return result;
}

/**
 * The async form, for a step that awaits (e.g. metrics at a log interval). Tensors created by
 * other code running concurrently land in this scope too, so do not overlap two tidyAsync calls.
 */
export async function tidyAsync<T>(fn: () => Promise<T>): Promise<T> {
  const scope = new Set<Scoped>();
  stack.push(scope);
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    stack.splice(stack.lastIndexOf(scope), 1);
    endScope(scope, undefined);
    throw e;
  }
  stack.splice(stack.lastIndexOf(scope), 1);
  endScope(scope, result);
  return result;
}

/** Number of open scopes (tests). */
export function scopeDepth(): number {
  return stack.length;
}
