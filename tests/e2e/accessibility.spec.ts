// Every view, old and new, passes an automated accessibility audit (axe-core: no serious or
// critical violations) in the light and the dark theme, with the GPU panel, the first-visit guide,
// the Compare view's Models panel and the external judge's settings open. Screenshots of the guide.
import { expect, test, type Page } from '@playwright/test';
import { describeFindings, seriousViolations } from './a11y-audit';
import { generateBuiltinPair } from './compare-setup';
import { screenshot } from './screenshot';

const VIEWS = ['Data', 'Experiments', 'Results', 'Compare', 'Policies', 'Models of preference'] as const;

async function present(page: Page, name: string): Promise<boolean> {
  return (await page.getByRole('link', { name, exact: true }).count()) > 0;
}

/** Waits for what a view shows once settled (its data loaded), so the audit sees the real page. */
async function settle(page: Page, name: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 2, name, exact: true })).toBeVisible();
  await expect(page.getByTestId('gpu-adapter').or(page.getByTestId('gpu-panel').getByRole('alert'))).toBeVisible({ timeout: 60_000 });
  if (name === 'Compare') {
    // With answers on screen: the columns, the rating panel and the judge's panel.
    await generateBuiltinPair(page);
  }
  // Loading placeholders ("Loading…") give way to the content.
  await expect(page.getByText(/^Loading/)).toHaveCount(0, { timeout: 60_000 });
  // Folded parts (the Models panel, the GPU's features, settings) open, so the audit sees them.
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
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
      if (name === 'Results') {
        // A finished run first (the tiny demo, on the CPU: seconds), so Results shows its charts and tables.
        await page.getByRole('radio', { name: /Tiny demo/ }).check();
        await page.getByLabel('Backend').selectOption('cpu');
        await page.getByTestId('run-start').click();
        await expect(page.getByTestId('run-status')).toContainText('Finished', { timeout: 180_000 });
        const live = await seriousViolations(page);
        console.log(`axe ${theme} Experiments (finished run): ${live.length} serious/critical`);
        if (live.length > 0) report.push(describeFindings(`Experiments, finished run (${theme})`, live));
      }
      await page.getByRole('link', { name, exact: true }).click();
      await settle(page, name);
      const found = await seriousViolations(page);
      console.log(`axe ${theme} ${name}: ${found.length} serious/critical`);
      if (found.length > 0) report.push(describeFindings(`${name} (${theme})`, found));
      // Compare's other mode: blind rating and the class's pooled votes.
      const blind = page.getByRole('radio', { name: 'Blind rating' });
      if (name === 'Compare' && (await blind.count()) > 0) {
        await blind.check();
        const more = await seriousViolations(page);
        console.log(`axe ${theme} Compare (blind rating): ${more.length} serious/critical`);
        if (more.length > 0) report.push(describeFindings(`Compare, blind rating (${theme})`, more));
        await page.getByRole('radio', { name: 'Side by side' }).check();
      }
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
