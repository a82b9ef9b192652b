// Errors of the runner's model service (./models.ts), kept apart so the worker's API object
// (runner.worker.ts spreads ./models) holds functions only.

export class NoModelLoadedError extends Error {
  override name = 'NoModelLoadedError';
  constructor() {
    super('No model is loaded: load the built-in model or a checkpoint first.');
  }
}

export class GenerationBusyError extends Error {
  override name = 'GenerationBusyError';
  constructor() {
    super('A generation is already running: wait for it or stop it first.');
  }
}
