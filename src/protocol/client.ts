// The main thread's handle on the runner worker. Everything the UI asks of the engine goes
// through here, so the UI never touches GPU objects. What it may ask is RunnerApi (./api.ts).
import { wrap, type Remote } from 'comlink';
import type { RunnerApi } from './api';

let remote: Remote<RunnerApi> | undefined;

export function runner(): Remote<RunnerApi> {
  remote ??= wrap<RunnerApi>(
    new Worker(new URL('../worker/runner.worker.ts', import.meta.url), { type: 'module', name: 'persona-lab-runner' }),
  );
  return remote;
}

export { proxy } from 'comlink';
