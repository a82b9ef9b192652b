// `npm run test:e2e`: builds the app, then runs the Playwright specs in tests/e2e against it in
// headless Chromium. Without Chromium it says so and exits with EXIT_NO_CHROME (3), never
// pretending the tests passed or failed.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { EXIT_NO_CHROME, NO_CHROME_MESSAGE, findChrome } from './chrome.mjs';

/** 4173 when it is free, else any free port: a second e2e run on the same machine (another
 * checkout, another user) would otherwise fail at once on "port already used". */
function freePort(preferred) {
  const tryPort = (port) =>
    new Promise((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        const { port: bound } = srv.address();
        srv.close(() => resolve(bound));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}

if (!findChrome()) {
  console.error(`[e2e] ${NO_CHROME_MESSAGE}`);
  process.exit(EXIT_NO_CHROME);
}
// playwright.config.ts reads the port from E2E_PORT (its workers load the config again, so the
// choice has to be made here, once).
const env = { ...process.env, E2E_PORT: process.env.E2E_PORT ?? String(await freePort(4173)) };
try {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  execFileSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit', env });
} catch (e) {
  process.exit(typeof e.status === 'number' ? e.status : 1);
}
