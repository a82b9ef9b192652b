// The cross-entropy / log-prob KernelCheck: per-row losses, log-probs, lse, both backwards, and the
// mean over non-ignored targets with its backward, against the CPU references (f64) — ignored and
// all-ignored rows, rows ragged against the workgroup, rows of 4096 and 5000, and logits of
// magnitude 1e4 (random and one-hot-like). Registered in ./index.ts.
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import type { CheckResult, KernelCheck } from './types';
import { compareOutputs, maxAbs } from './compare';
import {
  crossEntropyBackwardCpu,
  crossEntropyCpu,
  crossEntropyMeanBackwardCpu,
  crossEntropyMeanCpu,
  encodeCrossEntropy,
  encodeCrossEntropyBackward,
  encodeCrossEntropyMean,
  encodeCrossEntropyMeanBackward,
  type CrossEntropyShape,
} from '../kernels/cross-entropy';
import type { KernelOptions } from '../kernels/kernel-support';
import { runKernel } from './run-kernel';
import { encodeLogprobs, encodeLogprobsBackward, logprobsBackwardCpu, logprobsCpu } from '../kernels/logprobs';

interface XentCase {
  name: string;
  shape: CrossEntropyShape;
  logits: 'uniform' | 'target-dominant' | 'other-dominant';
  scale: number;
  /** Share of rows whose target is the ignore index. */
  ignored: number;
}

export const XENT_CASES: XentCase[] = [
  { name: 'N=1 V=1', shape: { n: 1, v: 1 }, logits: 'uniform', scale: 1, ignored: 0 },
  { name: 'N=6 V=7, some ignored', shape: { n: 6, v: 7 }, logits: 'uniform', scale: 3, ignored: 0.4 },
  { name: 'N=9 V=257 (ragged), ignore index 0', shape: { n: 9, v: 257, ignoreIndex: 0 }, logits: 'uniform', scale: 3, ignored: 0.2 },
  { name: 'rows of 4096', shape: { n: 3, v: 4096 }, logits: 'uniform', scale: 5, ignored: 0 },
  { name: 'rows of 5000', shape: { n: 2, v: 5000 }, logits: 'uniform', scale: 5, ignored: 0 },
  { name: 'extreme: |logits| ~ 1e4', shape: { n: 5, v: 1000 }, logits: 'uniform', scale: 1e4, ignored: 0 },
  { name: 'extreme: target logit 1e4 above the rest', shape: { n: 4, v: 300 }, logits: 'target-dominant', scale: 1e4, ignored: 0 },
  { name: 'extreme: another logit 1e4 above the target', shape: { n: 4, v: 300 }, logits: 'other-dominant', scale: 1e4, ignored: 0 },
  { name: 'every row ignored (mean is NaN)', shape: { n: 3, v: 10 }, logits: 'uniform', scale: 1, ignored: 1 },
];

function inputs(c: XentCase, rng: Rng): { logits: Float32Array; targets: Int32Array; dvalues: Float32Array } {
  const { n, v } = c.shape;
  const ignore = c.shape.ignoreIndex ?? -100;
  const targets = Int32Array.from({ length: n }, () => (rng.next() < c.ignored ? ignore : rng.int(v)));
  // With ignore index 0, class 0 is never a real target.
  if (ignore === 0) for (let i = 0; i < n; i++) if (targets[i] === 0 && rng.next() > c.ignored) targets[i] = 1 + rng.int(v - 1);
  let logits: Float32Array;
  if (c.logits === 'uniform') logits = rng.float32(n * v, { uniform: [-c.scale, c.scale] });
  else {
    logits = rng.float32(n * v);
    for (let r = 0; r < n; r++) {
      const t = Math.max(targets[r], 0);
      const hot = c.logits === 'target-dominant' ? t : (t + 1) % v;
      logits[r * v + hot] = c.scale;
    }
  }
  return { logits, targets, dvalues: rng.float32(n) };
}

type Outputs = 'losses' | 'lse' | 'dlogits' | 'logps' | 'lse2' | 'dlogits2' | 'mean' | 'dlosses';

export async function crossEntropyGpu(
  ctx: GpuContext,
  logits: Float32Array,
  targets: Int32Array,
  dvalues: Float32Array,
  dmean: number,
  s: CrossEntropyShape,
  options: KernelOptions = {},
): Promise<Record<Outputs | 'dvalues' | 'dmean' | 'logits' | 'targets', Float32Array>> {
  const { n, v } = s;
  const outputs = { losses: n, lse: n, dlogits: n * v, logps: n, lse2: n, dlogits2: n * v, mean: 1, dlosses: n };
  return runKernel(ctx, 'cross-entropy', { logits, targets, dvalues, dmean: Float32Array.of(dmean) }, outputs, (enc, b) => {
    encodeCrossEntropy(ctx, enc, b.logits, b.targets, b.losses, b.lse, s, options);
    encodeCrossEntropyBackward(ctx, enc, b.logits, b.targets, b.lse, b.dvalues, b.dlogits, s, options);
    encodeLogprobs(ctx, enc, b.logits, b.targets, b.logps, b.lse2, s, options);
    encodeLogprobsBackward(ctx, enc, b.logits, b.targets, b.lse2, b.dvalues, b.dlogits2, s, options);
    encodeCrossEntropyMean(ctx, enc, b.losses, b.targets, b.mean, s, options);
    encodeCrossEntropyMeanBackward(ctx, enc, b.targets, b.dmean, b.dlosses, s, options);
  });
}

export const crossEntropyCheck: KernelCheck = {
  kernel: 'cross-entropy',
  async run(ctx, options = {}) {
    const rng = new Rng(8080);
    const results: CheckResult[] = [];
    for (const c of XENT_CASES) {
      const s = c.shape;
      const x = inputs(c, rng);
      const dmean = rng.uniform(0.5, 2);
      const gpu = await crossEntropyGpu(ctx, x.logits, x.targets, x.dvalues, dmean, s, options);
      const ce = crossEntropyCpu(x.logits, x.targets, s);
      const lp = logprobsCpu(x.logits, x.targets, s);
      // lse and losses carry a few ulps of the largest logit (the max that is subtracted and
      // added back); softmax values carry that error as a relative error.
      const m = 1 + maxAbs(x.logits);
      const rowTol = { rtol: 1e-6, atol: 5e-7 * m, scale: 1 };
      const gradTol = { rtol: 1e-5, atol: 1e-6 * m, scale: maxAbs(x.dvalues) };
      results.push(...compareOutputs('cross-entropy', c.name, { losses: [gpu.losses, ce.losses], lse: [gpu.lse, ce.lse] }, rowTol));
      results.push(...compareOutputs('cross-entropy', c.name, { logps: [gpu.logps, lp.logps] }, rowTol));
      results.push(
        ...compareOutputs(
          'cross-entropy',
          c.name,
          {
            dlogits: [gpu.dlogits, crossEntropyBackwardCpu(x.logits, x.targets, ce.lse, x.dvalues, s)],
            'logps dlogits': [gpu.dlogits2, logprobsBackwardCpu(x.logits, x.targets, lp.lse, x.dvalues, s)],
          },
          gradTol,
        ),
      );
      const mean = crossEntropyMeanCpu(ce.losses, x.targets, s);
      results.push(...compareOutputs('cross-entropy', c.name, { mean: [gpu.mean, [mean]] }, rowTol));
      results.push(...compareOutputs('cross-entropy', c.name, { dlosses: [gpu.dlosses, crossEntropyMeanBackwardCpu(x.targets, dmean, s)] }, { rtol: 1e-6, atol: 0 }));
    }
    return results;
  },
};
