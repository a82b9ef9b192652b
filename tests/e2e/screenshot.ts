// Screenshots of the views for people to look at: test-output/screenshots/NAME.png.
import type { Page } from '@playwright/test';

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-output/screenshots/${name}.png`, fullPage: true });
}
