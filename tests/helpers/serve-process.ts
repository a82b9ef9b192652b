// Starts `npm run cli -- serve` as a child process on an ephemeral port (--port 0) and waits for
// its "serving ... at URL" line; stop() ends it (SIGTERM) and waits for the exit. Used by the
// external judge's unit and e2e tests, so they talk to the real command, not a stand-in.
import { spawn } from 'node:child_process';

export interface ServeProcess {
  /** e.g. http://127.0.0.1:41234/v1 */
  baseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

export function startServe(args: string[] = [], readyTimeoutMs = 120_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['scripts/node-run.mjs', 'src/cli/main.ts', 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`cli serve printed no 'serving' line in ${readyTimeoutMs} ms:\n${out}`));
    }, readyTimeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/serving .* at (http:\/\/127\.0\.0\.1:\d+\/v1)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          baseUrl: m[1],
          output: () => out,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cli serve exited (${code}) before serving:\n${out}`));
    });
  });
}
