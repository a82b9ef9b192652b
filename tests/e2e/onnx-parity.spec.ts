// The ONNX source in Chromium: tests/browser/onnx-parity.html (built here with Vite, served with
// cross-origin isolation, the fixtures as its public files) loads the tiny test checkpoint on our
// engine and its ONNX export through the ONNX source, and their log-probs must agree to 1e-4 at
// every real position: on onnxruntime-web's WASM EP, and on its WebGPU EP (SwiftShader here).
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { build, preview, type PreviewServer } from 'vite';

const HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
let server: PreviewServer;
let base = '';

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const root = resolve('tests/browser');
  const outDir = resolve('test-output/onnx-parity-site');
  await build({
    configFile: false,
    root,
    publicDir: resolve('tests/fixtures'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: { parity: resolve(root, 'onnx-parity.html') } } },
    worker: { format: 'es' },
  });
  server = await preview({ configFile: false, root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, headers: HEADERS } });
  base = server.resolvedUrls?.local[0] ?? '';
});

test.afterAll(async () => {
  await new Promise<void>((done) => server?.httpServer.close(() => done()));
});

async function parity(page: Page, ep: 'wasm' | 'webgpu'): Promise<{ result?: { worst: number; compared: number; lastLogitDiff: number; seconds: number }; error?: string }> {
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(`${base}onnx-parity.html?ep=${ep}`);
  await page.waitForFunction(() => window.__onnxParity !== undefined || window.__onnxParityError !== undefined, null, { timeout: 150_000, polling: 250 });
  const out = await page.evaluate(() => ({ result: window.__onnxParity, error: window.__onnxParityError }));
  if (out.error) console.log(`[onnx-parity ${ep}] ${out.error}\n${logs.slice(-10).join('\n')}`);
  else console.log(`[onnx-parity ${ep}] ${JSON.stringify(out.result)}`);
  return out;
}

test("WASM EP: the ONNX source's log-probs match our engine's to 1e-4", async ({ page }) => {
  test.setTimeout(180_000);
  const { result, error } = await parity(page, 'wasm');
  expect(error).toBeUndefined();
  expect(result!.compared).toBeGreaterThan(10_000);
  expect(result!.worst).toBeLessThan(1e-4);
});

test("WebGPU EP (SwiftShader): the ONNX source's log-probs match our engine's to 1e-4", async ({ page }) => {
  test.setTimeout(180_000);
  const { result, error } = await parity(page, 'webgpu');
  expect(error).toBeUndefined();
  expect(result!.compared).toBeGreaterThan(10_000);
  expect(result!.worst).toBeLessThan(1e-4);
});
