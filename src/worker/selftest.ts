// The GPU self-test: every registered kernel check, run on the runner's device against the CPU
// reference. Users run it from the GPU panel when results on their machine look wrong.
import type { SelftestCase, SelftestOutcome } from '../protocol/gpu';
import { KERNEL_CHECKS } from '../tensor/checks';
import { runnerGpu } from './gpu-status';

export async function runSelftest(
  kernels?: string[],
  onCase?: (c: SelftestCase, done: number, total: number) => void,
): Promise<SelftestOutcome> {
  const ctx = await runnerGpu();
  const started = performance.now();
  const checks = KERNEL_CHECKS.filter((c) => !kernels || kernels.includes(c.kernel));
  const cases: SelftestCase[] = [];
  for (const [i, check] of checks.entries()) {
    for (const r of await check.run(ctx)) {
      cases.push(r);
      onCase?.(r, i, checks.length);
    }
  }
  return { adapter: ctx.report.summary, cases, seconds: (performance.now() - started) / 1000 };
}
