// The analysis estimators (src/experiments/analysis) on small cases with known answers: the
// optimizer, the bilinear model's gradient, conditional fitting where one attribute decides,
// EM on data drawn from a known two-type mixture, few-shot weights of a planted built-in persona,
// canonical correlations, calibration and the ordinal Wasserstein representativeness.
import { describe, expect, it } from 'vitest';
import { AXIS_IDS, candidatePoles, generateBuiltin, type PreferencePair } from '../../src/data';
import { axisWeight } from '../../src/data/builtin/model';
import { fitBilinear, objective, predict } from '../../src/experiments/analysis/bilinear';
import { cca } from '../../src/experiments/analysis/cca';
import { fitMixture, hardTypes, predictMixture } from '../../src/experiments/analysis/em';
import { fitWeights, gaussianPrior } from '../../src/experiments/analysis/few-shot';
import { lbfgs } from '../../src/experiments/analysis/lbfgs';
import { calibration } from '../../src/experiments/analysis/metrics';
import type { PairIndex } from '../../src/experiments/analysis/pair-index';
import { ordinalWasserstein, representativenessOf } from '../../src/experiments/analysis/representativeness';
import { csrFromBags, type Csr } from '../../src/experiments/analysis/sparse';
import { Rng } from '../../src/util/rng';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** R responses, each a random bag over F features (weight 1). */
function randomResponses(rng: Rng, R: number, F: number): Csr {
  const bags = Array.from({ length: R }, () => {
    const ids = [...new Set(Array.from({ length: 3 }, () => rng.int(F)))].sort((a, b) => a - b);
    return { ids: Int32Array.from(ids), weights: new Float32Array(ids.length).fill(1) };
  });
  return csrFromBags(bags, F);
}

function pairIndex(rows: Array<[persona: number, chosen: number, rejected: number]>): PairIndex {
  const pairs = rows.map(([p], i) => ({ id: `x${i}`, set: 'cross', personaId: `p${p}`, questionId: 'q', instruction: '', chosen: '', rejected: '', strength: 1 }) as PreferencePair);
  return { pairs, persona: Int32Array.from(rows, (r) => r[0]), chosen: Int32Array.from(rows, (r) => r[1]), rejected: Int32Array.from(rows, (r) => r[2]) };
}

describe('lbfgs', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const f = (x: Float64Array, g: Float64Array) => {
      const [a, b] = x;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const r = lbfgs(f, Float64Array.from([-1.2, 1]), { maxIterations: 500, gradTol: 1e-9, relTol: 0 });
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });
});

describe('bilinear Bradley–Terry model', () => {
  it('has the gradient finite differences give (attribute weights and free weights)', () => {
    const rng = new Rng(3);
    const X = randomResponses(rng, 8, 6);
    const A = csrFromBags(
      Array.from({ length: 5 }, (_, p) => ({ ids: Int32Array.from([0, 1 + (p % 3)]), weights: Float32Array.from([1, 0.5 + p / 5]) })),
      4,
    );
    const ix = pairIndex(Array.from({ length: 30 }, () => [rng.int(5), rng.int(8), rng.int(8)]));
    for (const persona of [{ kind: 'attributes' as const, A }, { kind: 'free' as const, personas: 5 }]) {
      const d = 3;
      const f = objective({ d, X, persona }, ix, 0.01, Float64Array.from({ length: 30 }, () => 0.5 + rng.next()));
      const theta = Float64Array.from({ length: 6 * d + 6 + (persona.kind === 'attributes' ? 4 : 5) * d }, () => rng.normal(0, 0.5));
      const g = new Float64Array(theta.length);
      f(theta, g);
      const eps = 1e-6;
      for (let i = 0; i < theta.length; i++) {
        const up = Float64Array.from(theta);
        const dn = Float64Array.from(theta);
        up[i] += eps;
        dn[i] -= eps;
        const scratch = new Float64Array(theta.length);
        const numeric = (f(up, scratch) - f(dn, scratch)) / (2 * eps);
        expect(Math.abs(numeric - g[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
      }
    }
  });

  it('conditional on the one attribute that decides, it is right where the marginal is at chance', () => {
    // Two responses per question: feature 0 vs feature 1. Personas with the attribute prefer 0.
    const X = csrFromBags([{ ids: Int32Array.from([0]), weights: Float32Array.from([1]) }, { ids: Int32Array.from([1]), weights: Float32Array.from([1]) }], 2);
    const P = 40;
    const withAttr = (p: number) => p % 2 === 0;
    const cond = csrFromBags(Array.from({ length: P }, (_, p) => (withAttr(p) ? { ids: Int32Array.from([0, 1]), weights: Float32Array.from([1, 1]) } : { ids: Int32Array.from([0]), weights: Float32Array.from([1]) })), 2);
    const marg = csrFromBags(Array.from({ length: P }, () => ({ ids: Int32Array.from([0]), weights: Float32Array.from([1]) })), 1);
    const rows: Array<[number, number, number]> = [];
    for (let p = 0; p < P; p++) for (let r = 0; r < 5; r++) rows.push(withAttr(p) ? [p, 0, 1] : [p, 1, 0]);
    const ix = pairIndex(rows);
    const o = { d: 1, l2: 1e-3, seed: 1, maxIterations: 200 };
    const pc = predict(fitBilinear(X, { kind: 'attributes', A: cond }, ix, o), ix);
    const pm = predict(fitBilinear(X, { kind: 'attributes', A: marg }, ix, o), ix);
    expect(Math.min(...pc)).toBeGreaterThan(0.9);
    for (const p of pm) expect(Math.abs(p - 0.5)).toBeLessThan(0.02);
  });
});

describe('multi-objective reward', () => {
  it('recovers a planted 2-dimensional reward basis up to a linear map', () => {
    const rng = new Rng(9);
    const R = 14;
    const d = 2;
    // One feature per response, so the learned V is the responses' reward vectors themselves.
    const X = csrFromBags(Array.from({ length: R }, (_, r) => ({ ids: Int32Array.from([r]), weights: Float32Array.from([1]) })), R);
    const basis = Float64Array.from({ length: R * d }, () => rng.normal(0, 1.5));
    const P = 80;
    const w = Float64Array.from({ length: P * d }, () => rng.normal(0, 1.5));
    const rows: Array<[number, number, number]> = [];
    for (let p = 0; p < P; p++)
      for (let n = 0; n < 40; n++) {
        const a = rng.int(R);
        const b = (a + 1 + rng.int(R - 1)) % R;
        let m = 0;
        for (let k = 0; k < d; k++) m += w[p * d + k] * (basis[a * d + k] - basis[b * d + k]);
        rows.push(rng.next() < sigmoid(m) ? [p, a, b] : [p, b, a]);
      }
    const model = fitBilinear(X, { kind: 'free', personas: P }, pairIndex(rows), { d, l2: 1e-4, seed: 1, maxIterations: 300 });
    const learned = model.theta.subarray(0, R * d);
    const res = cca(Float64Array.from(learned), d, basis, d, R);
    for (const c of res.canonical) expect(c).toBeGreaterThan(0.95);
  });
});

describe('EM mixture of Bradley–Terry models', () => {
  it('recovers the types and the rewards of a known two-type mixture', () => {
    const rng = new Rng(11);
    const F = 6;
    const X = randomResponses(rng, 16, F);
    const theta = [Float64Array.from([2, -2, 1.5, -1.5, 1, -1]), Float64Array.from([-2, 2, -1.5, 1.5, -1, 1])];
    const reward = (t: Float64Array, r: number) => {
      let s = 0;
      for (let j = X.ptr[r]; j < X.ptr[r + 1]; j++) s += t[X.idx[j]];
      return s;
    };
    const P = 60;
    const truth = Array.from({ length: P }, (_, p) => (p < 24 ? 0 : 1)); // 40% / 60%
    const rows: Array<[number, number, number]> = [];
    for (let p = 0; p < P; p++)
      for (let n = 0; n < 30; n++) {
        const a = rng.int(16);
        let b = rng.int(16);
        if (b === a) b = (a + 1) % 16;
        const pa = sigmoid(reward(theta[truth[p]], a) - reward(theta[truth[p]], b));
        rows.push(rng.next() < pa ? [p, a, b] : [p, b, a]);
      }
    const ix = pairIndex(rows);
    const m = fitMixture(X, ix, P, { k: 2, l2: 1e-3, seed: 1, maxIterations: 30, restarts: 2 });
    const types = hardTypes(m, new Uint8Array(P).fill(1));
    const agree = types.reduce((n, t, p) => n + (t === truth[p] ? 1 : 0), 0);
    const matched = Math.max(agree, P - agree);
    expect(matched / P).toBeGreaterThanOrEqual(0.95);
    const first = agree >= P - agree ? 0 : 1; // the fitted type that is truth's type 0
    expect(m.pi[first]).toBeGreaterThan(0.3);
    expect(m.pi[first]).toBeLessThan(0.5);
    // Rewards are identified up to a constant on features every response shares; compare
    // response-level reward differences' signs between the fitted and the true type 0.
    let sameSign = 0;
    let count = 0;
    for (let a = 0; a < 16; a++)
      for (let b = a + 1; b < 16; b++) {
        const t = reward(theta[0], a) - reward(theta[0], b);
        if (Math.abs(t) < 1) continue;
        count++;
        if (Math.sign(reward(m.theta[first], a) - reward(m.theta[first], b)) === Math.sign(t)) sameSign++;
      }
    expect(sameSign / count).toBeGreaterThan(0.95);
    // The mixture predicts held-in pairs better than one pooled model.
    const pooled = fitMixture(X, ix, P, { k: 1, l2: 1e-3, seed: 1, maxIterations: 5, restarts: 1 });
    const ll = (p: Float64Array) => p.reduce((s, x) => s + Math.log(x), 0) / p.length;
    expect(ll(predictMixture(m, ix))).toBeGreaterThan(ll(predictMixture(pooled, ix)) + 0.2);
  });
});

describe('few-shot weights', () => {
  it('recover the sign of each taste of a planted built-in persona', () => {
    const ds = generateBuiltin({ seed: 1, personas: 40 });
    const rng = new Rng(5);
    const A = 10;
    const prior = gaussianPrior(new Float64Array(A), Float64Array.from({ length: A * A }, (_, i) => (i % (A + 1) === 0 ? 1 : 0)), A);
    // The true basis: r_k(x) = axis weight × pole on the question's axes, 0 elsewhere.
    const basis = (q: (typeof ds.questions)[number], poles: readonly number[]) => {
      const r = new Float64Array(A);
      q.axes.forEach((axis, s) => (r[AXIS_IDS.indexOf(axis)] = axisWeight(q, s) * poles[s]));
      return r;
    };
    for (const p of [0, 7, 19]) {
      const delta: number[] = [];
      const offset: number[] = [];
      for (let n = 0; n < 400; n++) {
        const q = ds.questions[rng.int(ds.questions.length)];
        const cands = candidatePoles(q);
        const a = cands[rng.int(cands.length)];
        const b = cands[rng.int(cands.length)];
        const win = ds.truth.prefers(p, q, a, b);
        if (win === 0) continue;
        const [c, r] = win > 0 ? [a, b] : [b, a];
        const rc = basis(q, c);
        const rr = basis(q, r);
        for (let k = 0; k < A; k++) delta.push(rc[k] - rr[k]);
        offset.push(0);
      }
      const w = fitWeights(prior, Float64Array.from(delta), Float64Array.from(offset));
      for (let k = 0; k < A; k++) {
        const taste = ds.truth.taste[p * A + k];
        if (Math.abs(taste) > 0.3) expect(Math.sign(w[k])).toBe(Math.sign(taste));
      }
    }
  });
});

describe('canonical correlations', () => {
  it('are 1 for an invertible linear map of the axes and small for unrelated data', () => {
    const rng = new Rng(2);
    const n = 400;
    const a = 3;
    const Y = Float64Array.from({ length: n * a }, () => (rng.next() < 0.5 ? -1 : 1));
    const M = [1, 2, 0, -1, 0.5, 1, 0, 1, 3];
    const X = new Float64Array(n * a);
    for (let r = 0; r < n; r++) for (let i = 0; i < a; i++) for (let k = 0; k < a; k++) X[r * a + i] += M[i * a + k] * Y[r * a + k];
    const same = cca(X, a, Y, a, n);
    for (const c of [...same.canonical, ...same.perAxis]) expect(c).toBeGreaterThan(0.999);
    const noise = Float64Array.from({ length: n * a }, () => rng.normal());
    const other = cca(noise, a, Y, a, n);
    for (const c of other.perAxis) expect(c).toBeLessThan(0.25);
  });
});

describe('calibration and representativeness', () => {
  it('ECE is 0 for calibrated bins and large for overconfident ones', () => {
    const probs = [...Array(8).fill(0.8), ...Array(2).fill(0.2)]; // confidence 0.8 everywhere, 80% right
    expect(calibration(probs, 10).ece).toBeCloseTo(0, 10);
    const over = [...Array(6).fill(0.99), ...Array(4).fill(0.01)]; // confidence 0.99, 60% right
    expect(calibration(over, 10).ece).toBeCloseTo(0.39, 6);
  });

  it('1 - WD/(N - 1) is 1 for equal distributions and 0 for opposite ends', () => {
    expect(ordinalWasserstein([1, 0, 0], [0, 0, 1])).toBeCloseTo(2, 12);
    expect(representativenessOf([1, 0, 0], [0, 0, 1])).toBeCloseTo(0, 12);
    expect(representativenessOf([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBeCloseTo(1, 12);
    expect(representativenessOf([0.5, 0.5, 0, 0], [0, 0.5, 0.5, 0])).toBeCloseTo(1 - 1 / 3, 12);
  });
});
