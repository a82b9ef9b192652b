// Assertions shared by the kernel tests on Dawn: every case of a check passes; a mutated shader
// makes the cases that exercise the mutated code fail.
import { expect } from 'vitest';
import type { GpuContext } from '../../src/gpu';
import type { CheckResult, KernelCheck } from '../../src/tensor/checks/types';

export function expectAllOk(results: CheckResult[], minCases: number): void {
  for (const r of results) expect(r, `${r.case}: max error ${r.maxAbsError} (${r.tolerance})`).toMatchObject({ ok: true });
  expect(results.length).toBeGreaterThanOrEqual(minCases);
}

/**
 * Runs `check` with `search` replaced by `replacement` in `code` and expects some case whose name
 * matches `affected` to fail (the check is sensitive to that code). Returns the failed case names.
 */
export async function expectCaught(
  ctx: GpuContext,
  check: KernelCheck,
  code: string,
  search: string,
  replacement: string,
  affected: RegExp,
): Promise<string[]> {
  const wrong = code.replace(search, replacement);
  expect(wrong, `mutation target "${search}" not found`).not.toBe(code);
  const results = await check.run(ctx, { shaderCode: wrong });
  const failed = results.filter((r) => !r.ok).map((r) => r.case);
  expect(failed.filter((name) => affected.test(name)).length, `no case matching ${affected} failed`).toBeGreaterThan(0);
  return failed;
}
