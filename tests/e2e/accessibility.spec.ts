// Every view, old and new, passes an automated accessibility audit (axe-core: no serious or
// critical violations) in the light and the dark theme, with the GPU panel, the first-visit guide,
// the Compare view's Models panel and the external judge's settings open. Screenshots of the guide.
import { expect, test, type Page } from '@playwright/test';
import { describeFindings, seriousViolations } from './a11y-audit';
import { screenshot } from './screenshot';

const VIEWS = ['Data', 'Experiments', 'Results', 'Compare', 'Policies'] as const;

async function present(page: Page, name: string): Promise<boolean> {
  return (await page.getByRole('link', { name, exact: true }).count()) > 0;
}

/** Waits for what a view shows once settled (its data loaded), so the audit sees the real page. */
async function settle(page: Page, name: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 2, name, exact: true })).toBeVisible();
  await expect(page.getByTestId('gpu-adapter').or(page.getByTestId('gpu-panel').getByRole('alert'))).toBeVisible({ timeout: 60_000 });
  if (name === 'Compare') {
    await expect(page.getByTestId('model-status')).toContainText('built-in', { timeout: 90_000 });
    // With answers on screen: the columns, the rating panel and the judge's panel.
    const twoPersonas = page.getByRole('button', { name: 'Two personas, same model' });
    if ((await twoPersonas.count()) > 0) {
      await twoPersonas.click();
      for (const c of [1, 2]) await page.getByLabel(`Column ${c} model`).selectOption({ label: 'built-in model' });
    }
    const maxTokens = page.getByLabel('Max tokens');
    if ((await maxTokens.count()) > 0) await maxTokens.fill('24');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 120_000 });
    // The judge's settings, opened: their form is audited too.
    const settings = page.getByText('External judge settings');
    if ((await settings.count()) > 0) await settings.click();
  }
  // Loading placeholders ("Loading…") give way to the content.
  await expect(page.getByText(/^Loading/)).toHaveCount(0, { timeout: 60_000 });
}

for (const theme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violations on any view (${theme})`, async ({ page }) => {
    test.setTimeout(400_000);
    await page.addInitScript((t) => localStorage.setItem('persona-lab:theme', t), theme);
    await page.goto('/#/data');
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    const report: string[] = [];
    for (const name of VIEWS) {
      if (!(await present(page, name))) continue;
      await page.getByRole('link', { name, exact: true }).click();
      await settle(page, name);
      const found = await seriousViolations(page);
      console.log(`axe ${theme} ${name}: ${found.length} serious/critical`);
      if (found.length > 0) report.push(describeFindings(`${name} (${theme})`, found));
    }
    expect(report.join('\n'), 'axe findings').toBe('');
  });
}

test('the audit can fail: it names an unlabelled button and low-contrast text', async ({ page }) => {
  await page.goto('/#/data');
  await expect(page.getByRole('heading', { level: 2, name: 'Data', exact: true })).toBeVisible();
  await page.evaluate(() => {
    const main = document.querySelector('main')!;
    const b = document.createElement('button');
    b.className = 'button';
    main.append(b);
    const p = document.createElement('p');
    p.textContent = 'faint words';
    p.style.color = '#d0d0d0';
    main.append(p);
  });
  const ids = (await seriousViolations(page)).map((v) => v.id);
  expect(ids).toContain('button-name');
  expect(ids).toContain('color-contrast');
});

test('the first-visit guide: shown to a newcomer, dismissed once, remembered', async ({ page }) => {
  await page.goto('/#/data');
  const guide = page.getByTestId('first-visit-guide');
  await expect(guide).toBeVisible();
  await expect(guide.getByRole('listitem')).toHaveCount(3);
  await expect(guide).toContainText('Conditional vs marginal');
  await expect(guide).toContainText('DPO policy');
  await screenshot(page, 'first-visit-guide-light');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await screenshot(page, 'first-visit-guide-dark');
  // Its first step leads to the Experiments view.
  await guide.getByRole('link', { name: /Conditional vs marginal/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Experiments', exact: true })).toBeVisible();
  await page.getByTestId('guide-dismiss').click();
  await expect(guide).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: 'Experiments', exact: true })).toBeVisible();
  await expect(page.getByTestId('first-visit-guide')).toHaveCount(0);
});
