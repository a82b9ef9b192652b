// The app shell in real headless Chromium: the GPU panel shows a real adapter (SwiftShader here),
// every view is reachable by mouse and keyboard, and each gets a screenshot.
import { expect, test } from '@playwright/test';
import { screenshot } from './screenshot';

test('GPU panel shows the real adapter', async ({ page }) => {
  await page.goto('/');
  const adapter = page.getByTestId('gpu-adapter');
  await expect(adapter).toBeVisible({ timeout: 60_000 });
  const text = (await adapter.textContent()) ?? '';
  expect(text.length).toBeGreaterThan(0);
  expect(text).not.toMatch(/unknown/i);
  console.log(`GPU panel adapter: ${text}`);
  await expect(page.getByTestId('gpu-panel')).toContainText('Largest storage binding');
  // The served page is cross-origin isolated, so the runner worker's cpu backend gets every core
  // (a reason in brackets would say why not).
  await expect(page.getByTestId('cpu-threads')).toHaveText(/^CPU backend: \d+ threads? of \d+ cores$/);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(page.getByTestId('cpu-threads')).toHaveText(`CPU backend: ${cores} thread${cores === 1 ? '' : 's'} of ${cores} cores`);
  // The setting goes to the runner, which answers with what now runs; it is kept for next time.
  await page.getByTestId('cpu-threads-setting').selectOption('1');
  await expect(page.getByTestId('cpu-threads')).toHaveText(`CPU backend: 1 thread of ${cores} cores`);
  await page.reload();
  await expect(page.getByTestId('cpu-threads')).toHaveText(`CPU backend: 1 thread of ${cores} cores`, { timeout: 60_000 });
  await page.getByTestId('cpu-threads-setting').selectOption('auto');
  await expect(page.getByTestId('cpu-threads')).toHaveText(`CPU backend: ${cores} thread${cores === 1 ? '' : 's'} of ${cores} cores`);
});

test('navigates every view and takes screenshots', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('gpu-adapter')).toBeVisible({ timeout: 60_000 });
  for (const name of ['Data', 'Experiments', 'Results', 'Compare']) {
    await page.getByRole('link', { name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name, exact: true })).toBeVisible();
    // A view may keep its own state after the name (e.g. #/experiments?spec=…, a shareable spec).
    await expect(page).toHaveURL(new RegExp(`#/${name.toLowerCase()}(\\?.*)?$`));
    await screenshot(page, `view-${name.toLowerCase()}`);
  }
  // Reload keeps the view (it lives in the URL).
  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: 'Compare', exact: true })).toBeVisible();
});

test('keyboard reaches every view link and the theme switch', async ({ page }) => {
  await page.goto('/#/data');
  const reached = new Set<string>();
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? (el.getAttribute('aria-label') ?? el.textContent ?? '').trim() : '';
    });
    reached.add(label);
  }
  for (const name of ['Data', 'Experiments', 'Results', 'Compare']) expect(reached).toContain(name);
  expect([...reached].some((l) => /Switch to (dark|light) theme/.test(l))).toBe(true);
  await page.keyboard.press('Shift+Tab');
  await page.getByRole('link', { name: 'Results', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'Results', exact: true })).toBeVisible();
});

test('dark theme', async ({ page }) => {
  await page.goto('/#/data');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('gpu-adapter')).toBeVisible({ timeout: 60_000 });
  await screenshot(page, 'view-data-dark');
});
