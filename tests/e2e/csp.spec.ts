// The Content-Security-Policy (scripts/csp.mjs) on the served app: the header on every response
// and the <meta> tag in the built page, and the app working under it in Chromium — each view
// opened, the runner worker started, WebGPU found, the CPU backend's runtime-compiled WebAssembly
// kernel running (Auto's calibration names it) — with no violation reported anywhere.
import { expect, test } from '@playwright/test';
import { CSP_HEADER, CSP_META } from '../../scripts/csp.mjs';
import { screenshot } from './screenshot';

test('the CSP header and meta tag are served, and the app runs under them with no violation', async ({ page }) => {
  test.setTimeout(180_000);
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) violations.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => {
    if (/Content[- ]Security[- ]Policy|Refused to|wasm-unsafe-eval/i.test(e.message)) violations.push(`page error: ${e.message}`);
  });
  page.on('worker', (w) => w.on('console', (m) => /Content[- ]Security[- ]Policy|Refused to/i.test(m.text()) && violations.push(`worker: ${m.text()}`)));
  // Violations the document reports (inline script or style, eval, a fetch elsewhere).
  await page.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });

  const response = await page.goto('/');
  const header = response?.headers()['content-security-policy'];
  expect(header).toBe(CSP_HEADER);
  expect(header).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(header).not.toContain("'unsafe-inline'");
  expect(header).not.toContain("'unsafe-eval'");
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', CSP_META);
  // The worker's script gets the policy too.
  const workerUrl = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).find((n) => /runner\.worker/.test(n)) ?? null);
  if (workerUrl) expect((await page.request.get(workerUrl)).headers()['content-security-policy']).toBe(CSP_HEADER);

  await expect(page.getByTestId('gpu-adapter')).toBeVisible({ timeout: 60_000 });
  for (const name of ['Data', 'Experiments', 'Results', 'Compare']) {
    await page.getByRole('link', { name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name, exact: true })).toBeVisible();
    await page.waitForTimeout(500);
  }
  // The runner's CPU backend compiled its WebAssembly kernel under 'wasm-unsafe-eval', and WebGPU ran the calibration.
  await page.getByRole('link', { name: 'Experiments', exact: true }).click();
  const advice = page.getByTestId('backend-advice');
  await expect(advice).toContainText('Auto picks', { timeout: 120_000 });
  await expect(advice).toContainText('WebAssembly SIMD matmul');
  await expect(advice).toContainText(/WebGPU [\d.]+ ms per step/);
  await screenshot(page, 'experiments-under-csp');

  const reported = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  expect([...violations, ...reported]).toEqual([]);
});
