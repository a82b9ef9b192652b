// Module: a named tree of parameters and sub-modules, so optimizers, checkpoints and LoRA can walk
// `namedParameters()` with Hugging Face-style dotted names, and whole blocks can be frozen.
import { freeze, parameter, unfreeze } from '../autograd';
import type { Tensor } from '../tensor';

export class Module {
  private readonly params = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** Registers `t` as a parameter (requires grad, survives tidy) under `name`. */
  protected param(name: string, t: Tensor): Tensor {
    this.params.set(name, parameter(t, name));
    return t;
  }

  /** Adds a sub-module whose parameters are named `name.<its names>`. */
  addModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** [dotted name, tensor] for every parameter of this module and its children. */
  namedParameters(prefix = ''): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [n, t] of this.params) out.push([prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Parameters that currently train. */
  trainableParameters(): Tensor[] {
    return this.parameters().filter((t) => t.requiresGrad);
  }

  freeze(): this {
    freeze(...this.parameters());
    return this;
  }

  unfreeze(): this {
    unfreeze(...this.parameters());
    return this;
  }

  /** Releases every parameter's storage (and gradient). */
  dispose(): void {
    for (const t of this.parameters()) {
      t.grad?.dispose();
      t.grad = null;
      t.dispose();
    }
  }
}
