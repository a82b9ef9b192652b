// A dataset is its rows: the same 11 PERSONA rows imported as JSONL, CSV and Parquet in the real
// app become one stored dataset with one fingerprint (the second and third imports say they are
// already stored and why); an error says what is wrong in words, never the class name.
import { expect, test } from '@playwright/test';
import { personaCsvText, personaJsonlText, personaParquetBytes, syntheticPersonaRows } from '../../src/cli/commands/data-fixtures';
import { screenshot } from './screenshot';

test('the same rows as JSONL, CSV and Parquet are one dataset; errors are in words', async ({ page }) => {
  await page.goto('/#/data');
  await expect(page.getByRole('heading', { level: 2, name: 'Data', exact: true })).toBeVisible();
  const rows = [...syntheticPersonaRows(11, 9)];
  const input = page.getByTestId('import-file-input');
  const result = page.getByTestId('import-result');

  await input.setInputFiles({ name: 'eleven.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(personaJsonlText(rows)) });
  await expect(result).toContainText('Imported eleven.jsonl: 11 rows', { timeout: 60_000 });
  // The summary can still show the built-in world's fingerprint for a moment after the message: wait for the import's.
  await expect(page.getByTestId('dataset-fingerprint')).toHaveText(/^rows-[0-9a-f]{16}$/);
  const fingerprint = (await page.getByTestId('dataset-fingerprint').textContent()) ?? '';

  await input.setInputFiles({ name: 'eleven.csv', mimeType: 'text/csv', buffer: Buffer.from(personaCsvText(rows)) });
  await expect(result).toContainText('Already stored: eleven.jsonl: 11 rows', { timeout: 60_000 });
  await result.locator('summary').click();
  await expect(result).toContainText('a dataset is its rows, whatever the file format');
  await input.setInputFiles({ name: 'eleven.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from(personaParquetBytes(rows, 4)) });
  await expect(result).toContainText('Already stored: eleven.jsonl', { timeout: 60_000 });
  await expect(page.getByTestId('stored-dataset')).toHaveCount(1);
  await expect(page.getByTestId('dataset-fingerprint')).toHaveText(fingerprint);
  await screenshot(page, 'data-same-rows-three-formats');

  // A malformed file: the problem in words, with file, row and field; no "DataFormatError".
  const bad = personaJsonlText(rows.map((r, i) => (i === 2 ? { ...r, data: 12 as unknown as string } : r)));
  await input.setInputFiles({ name: 'bad.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(bad) });
  const error = page.getByTestId('import-error');
  await expect(error).toContainText('The data is not in the expected format: bad.jsonl, row 3');
  await expect(error).not.toContainText('DataFormatError');
});
