// Runs src/bench/bench.html in headless Chromium: builds just that page with Vite into bench-output/site,
// serves it on localhost with cross-origin isolation, opens it with Playwright (the system's
// Chromium; nothing downloaded) and returns the suites the page published.
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, findChrome, NO_CHROME_MESSAGE } from '../../../scripts/chrome.mjs';
import type { SuiteResult } from '../../bench/matmul-bench-suite';

export class BenchBrowserError extends Error {
  override name = 'BenchBrowserError';
}

const HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export interface ChromiumBenchOptions {
  /** Query string of bench.html (see src/bench/params.ts). */
  query: string;
  timeoutMs: number;
  log: (line: string) => void;
}

export async function runChromiumBench(options: ChromiumBenchOptions): Promise<SuiteResult[]> {
  const executablePath = findChrome();
  if (!executablePath) throw new BenchBrowserError(NO_CHROME_MESSAGE);
  // The page lives beside its script in src/bench, outside the lab's own build.
  const root = resolve(process.cwd(), 'src/bench');
  const outDir = resolve(process.cwd(), 'bench-output/site');
  options.log('chromium: building bench.html');
  await build({
    configFile: false,
    root,
    publicDir: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: { bench: resolve(root, 'bench.html') } } },
  });
  const server = await preview({ configFile: false, root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 4180, headers: HEADERS } });
  const base = server.resolvedUrls?.local[0];
  const browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, '--headless'] });
  try {
    if (!base) throw new BenchBrowserError('the preview server did not report its URL');
    const page = await browser.newPage();
    page.on('console', (m) => {
      const text = m.text();
      if (text.startsWith('[bench] ')) options.log(`chromium: ${text.slice(8)}`);
    });
    page.on('pageerror', (e) => options.log(`chromium page error: ${e.message}`));
    await page.goto(`${base}bench.html?${options.query}`);
    await page.waitForFunction(() => window.__benchResult !== undefined || window.__benchError !== undefined, null, {
      timeout: options.timeoutMs,
      polling: 500,
    });
    const error = await page.evaluate(() => window.__benchError);
    if (error) throw new BenchBrowserError(`the bench page failed: ${error}`);
    return (await page.evaluate(() => window.__benchResult)) as SuiteResult[];
  } finally {
    await browser.close();
    await new Promise<void>((done) => server.httpServer.close(() => done()));
  }
}
