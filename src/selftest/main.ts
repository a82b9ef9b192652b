// The GPU self-test page (selftest.html): runs every kernel check on this browser's GPU against
// the CPU reference, shows a table, and leaves the results on `window.__selftest` for Playwright.
import { acquireGpu } from '../gpu';
import { KERNEL_CHECKS, type CheckResult } from '../tensor/checks';

interface SelftestOutcome {
  adapter: string;
  results: CheckResult[];
  error?: string;
}

declare global {
  interface Window {
    __selftest?: SelftestOutcome;
  }
}

function cell(row: HTMLTableRowElement, text: string, tag: 'td' | 'th' = 'td'): void {
  const el = document.createElement(tag);
  el.textContent = text; // text, never HTML
  row.appendChild(el);
}

async function main(): Promise<void> {
  const status = document.getElementById('status')!;
  const table = document.getElementById('results') as HTMLTableElement;
  const only = new URLSearchParams(location.search).get('kernels')?.split(',');
  try {
    const ctx = await acquireGpu({ timeoutMs: 20_000 });
    status.textContent = `Adapter: ${ctx.report.summary}. Running…`;
    const header = table.insertRow();
    for (const h of ['kernel', 'case', 'result', 'max |error|', 'tolerance']) cell(header, h, 'th');
    const results: CheckResult[] = [];
    for (const check of KERNEL_CHECKS) {
      if (only && !only.includes(check.kernel)) continue;
      for (const r of await check.run(ctx)) {
        results.push(r);
        const row = table.insertRow();
        for (const v of [r.kernel, r.case, r.ok ? 'pass' : 'FAIL', r.maxAbsError.toExponential(2), r.tolerance]) cell(row, v);
      }
    }
    const failed = results.filter((r) => !r.ok).length;
    status.textContent = `Adapter: ${ctx.report.summary}. ${results.length - failed} passed, ${failed} failed.`;
    window.__selftest = { adapter: ctx.report.summary, results };
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    status.textContent = message;
    window.__selftest = { adapter: '', results: [], error: message };
  }
}

void main();
