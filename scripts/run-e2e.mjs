// `npm run test:e2e`: builds the app, then runs the Playwright specs in tests/e2e against it in
// headless Chromium. Without Chromium it says so and exits with EXIT_NO_CHROME (3), never
// pretending the tests passed or failed.
import { execFileSync } from 'node:child_process';
import { EXIT_NO_CHROME, NO_CHROME_MESSAGE, findChrome } from './chrome.mjs';

if (!findChrome()) {
  console.error(`[e2e] ${NO_CHROME_MESSAGE}`);
  process.exit(EXIT_NO_CHROME);
}
try {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  execFileSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit' });
} catch (e) {
  process.exit(typeof e.status === 'number' ? e.status : 1);
}
