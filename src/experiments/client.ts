// The main thread's handle on the runner worker. Everything the UI asks of the engine goes
// through here, so the UI never touches GPU objects.
import { wrap, type Remote } from 'comlink';
import type { RunnerApi } from '../worker/runner.worker';

let remote: Remote<RunnerApi> | undefined;

export function runner(): Remote<RunnerApi> {
  remote ??= wrap<RunnerApi>(
    new Worker(new URL('../worker/runner.worker.ts', import.meta.url), { type: 'module', name: 'persona-lab-runner' }),
  );
  return remote;
}

export { proxy } from 'comlink';
export type { GpuStatus, SelftestCase, SelftestOutcome } from './protocol';
