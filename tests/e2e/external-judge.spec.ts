// The external judge from the app against the real `npm run cli -- serve` (the built-in model on
// an ephemeral port, with an API key), started by this test: answers generated in Compare, the
// judge turned on in its settings, a pair judged in both orders; the key absent from every export,
// link, log and stored record; then the server stopped: a clear error, the pair kept in the queue,
// and Retry against a new server finishes it. Screenshots light and dark.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { describeFindings, seriousViolations } from './a11y-audit';
import { generateBuiltinPair } from './compare-setup';
import { screenshot } from './screenshot';

const KEY = 'sk-e2e-judge-key-3b8f61d0';
let server: ServeProcess | null = null;

test.afterAll(async () => {
  await server?.stop();
});

async function downloadText(page: Page, click: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await download.path())!, 'utf8');
}

test('judges a Compare pair with cli serve, keeps the key out of everything, and says clearly when the server stops', async ({ page }) => {
  // Budget ≥ 20× the cost on an idle 2-core machine: two generations and four judge calls of the
  // tiny model on the CPU, and the server's start (~5 s each).
  test.setTimeout(600_000);
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  server = await startServe(['--api-key', KEY]);

  await page.goto('/#/compare');
  const panel = page.getByTestId('external-judge');
  await expect(panel).toContainText('Off.');
  await generateBuiltinPair(page, '3');

  // Settings: on, this server's URL, the model, the key (stored in this browser only).
  await panel.getByText('External judge settings').click();
  await panel.getByTestId('judge-enabled').check();
  await panel.getByLabel('Base URL').fill(server.baseUrl);
  await panel.getByLabel('Model').fill('builtin');
  await panel.getByLabel('API key').fill(KEY);
  await panel.getByTestId('judge-key-save').click();
  await expect(panel.getByLabel('API key')).toHaveValue('');
  await expect(panel.getByLabel('API key')).toHaveAttribute('placeholder', 'a key is stored');

  await panel.getByTestId('judge-run').click();
  const verdicts = panel.getByTestId('judge-verdict');
  // Two columns for two personas: one pair per persona.
  const judged = 2;
  await expect(verdicts).toHaveCount(judged, { timeout: 200_000 });
  await expect(panel.getByTestId('judge-status')).toHaveText('');
  await expect(panel.getByTestId('judge-error')).toHaveCount(0);
  console.log(`external judge verdicts: ${(await verdicts.allTextContents()).join(' | ')}`);
  // Both orders were asked of the server: two chat completions per pair, with the key.
  expect(server.output().match(/POST \/v1\/chat\/completions -> 200/g)?.length).toBe(2 * judged);
  await screenshot(page, 'compare-external-judge');
  const found = await seriousViolations(page);
  expect(describeFindings('Compare with the external judge', found)).toBe('');

  // The key: nowhere but its own localStorage entry.
  const judgeExport = await downloadText(page, () => panel.getByTestId('judge-export').click());
  expect(judgeExport).toContain('"preferred"');
  const stored = await page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k) ?? ''])));
  expect(stored['persona-lab:external-judge:key']).toBe(KEY);
  const exports: Record<string, string> = { 'judge export': judgeExport, 'page URL': page.url() };
  for (const [k, v] of Object.entries(stored)) if (k !== 'persona-lab:external-judge:key') exports[`localStorage ${k}`] = v;
  const votesButton = page.getByTestId('export-votes');
  if ((await votesButton.count()) > 0 && (await votesButton.isEnabled())) exports['votes export'] = await downloadText(page, () => votesButton.click());
  await page.getByRole('link', { name: 'Experiments', exact: true }).click();
  exports['experiments share link'] = await page.getByLabel('Share link (opens this spec)').inputValue();
  exports['console'] = logs.join('\n');
  for (const [where, text] of Object.entries(exports)) expect(text, where).not.toContain(KEY);
  console.log(`key absent from: ${Object.keys(exports).join(', ')}`);

  // Dark theme screenshot of the panel with its verdicts.
  await page.getByRole('link', { name: 'Compare', exact: true }).click();
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(verdicts.first()).toBeVisible();
  await screenshot(page, 'compare-external-judge-dark');

  // The server stops: new answers, judged: a clear error, and the pair waits in the queue.
  await server.stop();
  server = null;
  await generateBuiltinPair(page, '4');
  await panel.getByTestId('judge-run').click();
  const error = panel.getByTestId('judge-error');
  await expect(error).toBeVisible({ timeout: 60_000 });
  await expect(error).toContainText('Could not reach');
  await expect(error).toContainText('is the server running');
  await expect(error).toContainText('Nothing is lost');
  await expect(panel.getByRole('list', { name: 'Pairs waiting for the judge' }).getByRole('listitem')).toHaveCount(judged);
  await screenshot(page, 'compare-external-judge-error-dark');
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await screenshot(page, 'compare-external-judge-error');

  // A server again (a new port): Retry finishes the queued pairs; nothing was lost.
  server = await startServe(['--api-key', KEY]);
  // The settings were folded when the view was left: open them again.
  if (!(await panel.getByLabel('Base URL').isVisible())) await panel.getByText('External judge settings').click();
  await panel.getByLabel('Base URL').fill(server.baseUrl);
  await panel.getByTestId('judge-retry').click();
  await expect(error).toHaveCount(0, { timeout: 200_000 });
  await expect(verdicts).toHaveCount(judged, { timeout: 200_000 });
  const all = await downloadText(page, () => panel.getByTestId('judge-export').click());
  expect(JSON.parse(all).records).toHaveLength(2 * judged);
  expect(all).not.toContain(KEY);
});
