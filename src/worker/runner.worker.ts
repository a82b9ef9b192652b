// The Web Worker that hosts the runner: long work (GPU kernels, training, imports) happens here,
// off the main thread. The app reaches it through src/experiments/client.ts (comlink).
import { expose } from 'comlink';
import * as data from './data';
import * as experiments from './experiments';
import { gpuStatus } from './gpu-status';
import * as models from './models';
import { runSelftest } from './selftest';

const api = {
  ...data,
  ...experiments,
  ...models,
  gpuStatus,
  runSelftest,
};

export type RunnerApi = typeof api;

expose(api);
