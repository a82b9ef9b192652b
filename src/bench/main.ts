// Entry of bench.html: runs the matmul suites in this browser and publishes the result on
// `window.__benchResult` (or `window.__benchError`) for the CLI's Playwright driver, and as text
// on the page for a person.
import * as ort from 'onnxruntime-web';
import { acquireGpu } from '../gpu';
import { runCpuSuite, runWebgpuSuite, type SuiteResult } from './matmul-bench-suite';
import { readParams } from './params';

declare global {
  interface Window {
    __benchResult?: SuiteResult[];
    __benchError?: string;
  }
}

const logEl = document.getElementById('log')!;
const lines: string[] = [];
function log(line: string): void {
  lines.push(line);
  logEl.textContent = lines.join('\n');
  console.log(`[bench] ${line}`);
}

function browserName(): string {
  const m = /(Chrome|Chromium|Edg|Firefox|Safari)\/([\d.]+)/.exec(navigator.userAgent);
  return m ? `${m[1].toLowerCase()} ${m[2].split('.')[0]}` : 'browser';
}

async function main(): Promise<void> {
  const params = readParams(location.search);
  const options = { ...params, log };
  // Single thread on both sides of the CPU ratio; the WebGPU EP does not use these threads.
  ort.env.wasm.numThreads = 1;
  const env = browserName();
  const results: SuiteResult[] = [];
  const ctx = await acquireGpu({ timeoutMs: params.adapterTimeoutMs });
  log(`adapter: ${ctx.report.summary}`);
  try {
    results.push(await runWebgpuSuite(ctx, ort, `${env} webgpu`, options));
  } finally {
    ctx.destroy();
  }
  if (params.cpu) results.push(await runCpuSuite(ort, `${env} cpu`, { ...options, ortSizes: params.cpuOrtSizes }));
  window.__benchResult = results;
  log('done');
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  window.__benchError = message;
  log(`error: ${message}`);
});
