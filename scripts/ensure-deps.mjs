// Installs what is missing before `npm start` / `npm test`, using only Node's standard library:
// npm packages (npm ci from the lock file) and, with --browser, Chromium and the Vulkan loader
// (Dawn needs libvulkan.so.1; Chromium ships the SwiftShader driver) via apt when we are root.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { EXIT_NO_CHROME, NO_CHROME_MESSAGE, findChrome } from './chrome.mjs';

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', ...opts });

function npmPackagesMissing() {
  const marker = 'node_modules/.package-lock.json';
  if (!existsSync(marker)) return true;
  return statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs;
}

if (npmPackagesMissing()) {
  console.log('[setup] installing npm packages (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function hasVulkanLoader() {
  if (process.platform !== 'linux') return true;
  try {
    return execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }).includes('libvulkan.so.1');
  } catch {
    return ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'].some(existsSync);
  }
}

function canApt() {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

if (process.argv.includes('--browser')) {
  const missing = [];
  if (!findChrome()) missing.push('chromium');
  if (!hasVulkanLoader()) missing.push('libvulkan1');
  if (missing.length > 0 && canApt()) {
    console.log(`[setup] installing ${missing.join(', ')} with apt-get…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', ...missing], { env });
  }
  if (!findChrome()) {
    console.error(`[setup] ${NO_CHROME_MESSAGE}`);
    process.exit(EXIT_NO_CHROME);
  }
  if (!hasVulkanLoader()) {
    console.error('[setup] The Vulkan loader (libvulkan.so.1) is missing, so WebGPU in Node (Dawn) cannot start. ' +
      'Install it (Debian/Ubuntu: apt-get install libvulkan1). The WebGPU tests were NOT run.');
    process.exit(EXIT_NO_CHROME);
  }
}
