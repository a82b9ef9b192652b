import { describe, expect, it } from 'vitest';
import { adamwCpu } from '../../src/tensor/kernels/adamw';

describe('AdamW CPU reference', () => {
  it('takes a first step of about lr * sign(grad) (bias correction) after weight decay', () => {
    const param = new Float32Array([1, -2, 0.5]);
    const grad = new Float32Array([0.3, -4, 0]);
    const m = new Float32Array(3);
    const v = new Float32Array(3);
    adamwCpu(param, grad, m, v, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.5, step: 1 });
    // decay 1 - 0.1 * 0.5 = 0.95; m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps).
    expect(param[0]).toBeCloseTo(0.95 - 0.1, 6);
    expect(param[1]).toBeCloseTo(-1.9 + 0.1, 6);
    expect(param[2]).toBeCloseTo(0.475, 6);
    expect(m[1]).toBeCloseTo(-0.4, 6);
    expect(v[1]).toBeCloseTo(0.016, 6);
  });

  it('matches the closed form of two steps with constant gradient', () => {
    const h = { lr: 0.01, beta1: 0.8, beta2: 0.9, eps: 0, weightDecay: 0 };
    const param = new Float32Array([0]);
    const m = new Float32Array(1);
    const v = new Float32Array(1);
    const g = new Float32Array([2]);
    adamwCpu(param, g, m, v, { ...h, step: 1 });
    adamwCpu(param, g, m, v, { ...h, step: 2 });
    // With a constant gradient, m_hat = g and v_hat = g^2 at every step: each step is -lr.
    expect(param[0]).toBeCloseTo(-0.02, 6);
  });

  it('scales gradients by gradScale (the clip coefficient of clip_grad_norm_)', () => {
    const a = { p: new Float32Array([1]), m: new Float32Array(1), v: new Float32Array(1) };
    const b = { p: new Float32Array([1]), m: new Float32Array(1), v: new Float32Array(1) };
    const h = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 };
    adamwCpu(a.p, new Float32Array([0.5]), a.m, a.v, h, 0.2);
    adamwCpu(b.p, new Float32Array([0.1]), b.m, b.v, h);
    expect(a.m[0]).toBeCloseTo(b.m[0], 7);
    expect(a.v[0]).toBeCloseTo(b.v[0], 9);
  });

  it('rejects bad hyper-parameters and mismatched lengths', () => {
    const x = new Float32Array(2);
    const h = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 0 };
    expect(() => adamwCpu(x, x, x, x, h)).toThrow(/step must be a positive integer/);
    expect(() => adamwCpu(x, new Float32Array(3), x, x, { ...h, step: 1 })).toThrow(/adamw: grad has 3 elements but shape \[2\] \(param\) needs 2/);
  });
});
