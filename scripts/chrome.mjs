// Where Chromium is and how we start it, in one place for npm test, Playwright and the benchmarks.
// CHROME_PATH overrides the search (macOS/Windows users point it at their Chrome or Edge).
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
];

/** The Chromium executable to use, or undefined when none is installed. */
export function findChrome() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/** Flags for headless Chromium in tests and benchmarks: WebGPU on (SwiftShader without a GPU),
 * and nothing that reaches the network on its own. */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export const NO_CHROME_MESSAGE =
  'No Chromium or Chrome was found. Install it (Debian/Ubuntu: apt-get install chromium) or set ' +
  'CHROME_PATH to a Chrome/Edge/Chromium executable. The browser tests were NOT run.';

/** Exit code for "the browser tests could not run", distinct from a failing test (1). */
export const EXIT_NO_CHROME = 3;
