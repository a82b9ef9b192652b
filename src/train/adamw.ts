// AdamW (decoupled weight decay, bias correction) with optional global-norm gradient clipping,
// as torch.optim.AdamW + torch.nn.utils.clip_grad_norm_. The clip factor
// min(1, maxNorm / (norm + 1e-6)) is computed on the device and handed to the fused update
// kernel, so a step reads nothing back; the norm stays available for logging.
import { zeroGrad } from '../autograd';
import { keep, ops, type Tensor } from '../tensor';

export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Clip gradients to this global L2 norm (PyTorch's clip_grad_norm_); off when absent. */
  clipNorm?: number | null;
  /** Per-parameter multipliers of lr (torch's parameter groups, for the few that need their own rate). */
  lrScale?: ReadonlyMap<Tensor, number>;
}

interface Slot {
  m: Tensor;
  v: Tensor;
}

export class AdamW {
  readonly options: Required<Omit<AdamWOptions, 'clipNorm' | 'lrScale'>> & { clipNorm: number | null; lrScale: ReadonlyMap<Tensor, number> };
  private readonly state = new Map<Tensor, Slot>();
  private stepCount = 0;
  /** Global gradient norm of the last step ([1], before clipping), or null before the first. */
  lastGradNorm: Tensor | null = null;

  constructor(
    readonly params: readonly Tensor[],
    options: AdamWOptions,
  ) {
    // An option given as undefined (lrScale: model.lrScales?.()) keeps its default.
    this.options = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, clipNorm: null, ...options, lrScale: options.lrScale ?? new Map() };
  }

  get step(): number {
    return this.stepCount;
  }

  /** Sets the learning rate (schedules call this before each step). */
  setLr(lr: number): void {
    this.options.lr = lr;
  }

  /**
   * One update of every parameter that requires grad and has a gradient; then drops the
   * gradients. Returns the global gradient norm tensor ([1], pre-clipping) for logging.
   */
  update(): Tensor | null {
    const live = this.params.filter((p) => p.requiresGrad && p.grad);
    if (live.length === 0) return null;
    const be = live[0].backend;
    this.stepCount++;
    const grads = live.map((p) => p.grad as Tensor);
    const sumSq = be.sumOfSquares(grads);
    const norm = keep(be.unary('sqrt', sumSq));
    sumSq.dispose();
    let clipScale: Tensor | null = null;
    const { clipNorm } = this.options;
    if (clipNorm !== null) {
      // min(1, c / (n + 1e-6)) = c / max(c, n + 1e-6)
      const shifted = be.affine(norm, 1, 1e-6);
      const c = be.full([1], clipNorm);
      const denom = be.binary('maximum', shifted, c);
      clipScale = be.binary('div', c, denom);
      shifted.dispose();
      c.dispose();
      denom.dispose();
    }
    const hyper = {
      lr: this.options.lr,
      beta1: this.options.beta1,
      beta2: this.options.beta2,
      eps: this.options.eps,
      weightDecay: this.options.weightDecay,
      step: this.stepCount,
    };
    for (const p of live) {
      let slot = this.state.get(p);
      if (!slot) {
        slot = { m: keep(be.zeros(p.shape)), v: keep(be.zeros(p.shape)) };
        this.state.set(p, slot);
      }
      const scale = this.options.lrScale.get(p);
      ops.adamw(be, p, p.grad as Tensor, slot.m, slot.v, scale === undefined ? hyper : { ...hyper, lr: hyper.lr * scale }, clipScale);
    }
    clipScale?.dispose();
    zeroGrad(live);
    this.lastGradNorm?.dispose();
    this.lastGradNorm = norm;
    be.flush();
    return norm;
  }

  /** First and second moments of a parameter (checkpoints, tests). */
  moments(p: Tensor): Slot | undefined {
    return this.state.get(p);
  }

  dispose(): void {
    for (const s of this.state.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.state.clear();
    this.lastGradNorm?.dispose();
    this.lastGradNorm = null;
  }
}
