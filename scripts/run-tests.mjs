// `npm test`: setup, then every suite (typecheck, lint, unit, gpu, e2e) even when one fails, each
// suite's output streamed live and its wall time printed; it ends with one summary line per suite
// and a closing "suites: N passed, N failed" line, and exits non-zero when any suite failed.
// Node's standard library only, so it runs before `npm ci` has installed anything.
//
//   node scripts/run-tests.mjs              setup, then every suite
//   node scripts/run-tests.mjs unit gpu     setup, then only the named suites (in the usual order)
import { spawn } from 'node:child_process';
import { EXIT_NO_CHROME } from './chrome.mjs';

/** The suites in the order they run; each is an npm script of the same repository. */
const SUITES = [
  { name: 'typecheck', script: 'typecheck' },
  { name: 'lint', script: 'lint' },
  { name: 'unit', script: 'test:unit' },
  { name: 'gpu', script: 'test:gpu' },
  { name: 'e2e', script: 'test:e2e' },
];

class UnknownSuiteError extends Error {
  constructor(names) {
    super(`Unknown suite ${names.join(', ')}; the suites are ${SUITES.map((s) => s.name).join(', ')}.`);
    this.name = 'UnknownSuiteError';
  }
}

/** "3m12s" / "45s" / "0.4s": minutes and seconds, as people read a stopwatch. */
function formatDuration(ms) {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  const m = Math.floor(whole / 60);
  return m > 0 ? `${m}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}

// Each suite runs in its own process group (POSIX), so an interrupt stops all of it, grandchildren
// included (npm does not pass SIGTERM on to the shell running its script).
const OWN_GROUP = process.platform !== 'win32';
let interrupted = false;
let child = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true; // no further suite starts; the summary still prints
    if (child === null) process.exit(130);
    try {
      if (OWN_GROUP) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  });
}

/** Runs a command with inherited stdio (live output); resolves with how it ended and its wall time. */
function runLive(cmd, args) {
  const start = performance.now();
  return new Promise((resolve) => {
    // npm is npm.cmd on Windows, which only a shell can start.
    child = spawn(cmd, args, { stdio: 'inherit', detached: OWN_GROUP, shell: process.platform === 'win32' });
    child.on('error', (err) => {
      console.error(`[test] could not start ${cmd}: ${err.message}`);
      child = null;
      resolve({ code: 127, signal: null, ms: performance.now() - start });
    });
    child.on('close', (code, signal) => {
      child = null;
      resolve({ code: code ?? 128, signal, ms: performance.now() - start });
    });
  });
}

function banner(text) {
  console.log(`\n${'='.repeat(8)} ${text} ${'='.repeat(Math.max(8, 72 - text.length))}`);
}

function describe(result) {
  if (result.code === 0) return `passed in ${formatDuration(result.ms)}`;
  if (result.code === EXIT_NO_CHROME) return `NOT RUN (no browser; exit ${EXIT_NO_CHROME}) after ${formatDuration(result.ms)}`;
  if (result.code === null) return 'not started (interrupted)';
  if (result.signal) return `FAILED (stopped by ${result.signal}) after ${formatDuration(result.ms)}`;
  return `FAILED (exit ${result.code}) in ${formatDuration(result.ms)}`;
}

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length > 0) throw new UnknownSuiteError(unknown);
  const suites = wanted.length > 0 ? SUITES.filter((s) => wanted.includes(s.name)) : SUITES;
  const started = performance.now();

  banner('setup');
  const setup = await runLive(process.execPath, ['scripts/ensure-deps.mjs', '--browser']);
  if (setup.code !== 0) {
    // ensure-deps has printed why (exit 3: no browser, so the browser tests were NOT run).
    console.error(`[test] setup failed (exit ${setup.code}); no suite was run.`);
    process.exit(setup.code);
  }
  console.log(`[test] setup: done in ${formatDuration(setup.ms)}`);

  const results = [];
  for (const suite of suites) {
    if (interrupted) {
      results.push({ suite, code: null, signal: null, ms: 0 });
      continue;
    }
    banner(`${suite.name} (npm run ${suite.script})`);
    const r = await runLive('npm', ['run', '--silent', suite.script]);
    results.push({ suite, ...r });
    console.log(`[test] ${suite.name}: ${describe(r)}`);
  }

  const passed = results.filter((r) => r.code === 0).length;
  const failed = results.length - passed;
  banner(`summary (total ${formatDuration(performance.now() - started)}, setup ${formatDuration(setup.ms)})`);
  for (const r of results) console.log(`${r.suite.name}: ${describe(r)}`);
  console.log(`suites: ${passed} passed, ${failed} failed`);

  if (interrupted) process.exit(130);
  if (failed === 0) process.exit(0);
  // Only "no browser" outcomes: keep its distinct exit code, as ensure-deps and run-e2e do.
  const onlyNoBrowser = results.every((r) => r.code === 0 || r.code === EXIT_NO_CHROME);
  process.exit(onlyNoBrowser ? EXIT_NO_CHROME : 1);
}

main().catch((err) => {
  console.error(`[test] ${err.message}`);
  process.exit(2);
});
