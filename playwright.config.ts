// End-to-end tests: the production build served by scripts/serve.mjs, driven in the system's
// headless Chromium (no browser download). Screenshots land in test-output/screenshots.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChrome } from './scripts/chrome.mjs';

// scripts/run-e2e.mjs picks a free port when 4173 is taken (another e2e run on this machine).
const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-output/playwright',
  // Budgets stay ≥ 20× a step's cost on an idle 2-core machine, so a busy machine (SwiftShader
  // shares the CPU) cannot fail a test: most tests take 2-6.5 s; slower ones set their own budget.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 720 },
    launchOptions: { executablePath: findChrome(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node scripts/serve.mjs --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
