// Typed GPU errors. Each names what went wrong and what the user can do about it; callers catch
// them by class (e.g. fall back to the CPU backend on NoWebGPUError, retry on DeviceLostError).

export class GpuError extends Error {
  override name = 'GpuError';
}

/** No WebGPU implementation in this environment (old browser, flag off, Node without `webgpu`). */
export class NoWebGPUError extends GpuError {
  override name = 'NoWebGPUError';
  constructor(reason: string) {
    super(`WebGPU is not available: ${reason}. The CPU backend will be used instead.`);
  }
}

/** `requestAdapter()` did not answer in time: a broken driver can hang it forever. */
export class AdapterTimeoutError extends GpuError {
  override name = 'AdapterTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(
      `The GPU adapter did not answer within ${timeoutMs} ms (a driver problem). ` +
        'The CPU backend will be used instead; restarting the browser may help.',
    );
  }
}

/** The adapter lacks a feature the run requires (e.g. shader-f16). */
export class MissingFeatureError extends GpuError {
  override name = 'MissingFeatureError';
  constructor(readonly feature: string) {
    super(`This GPU adapter does not support the WebGPU feature '${feature}'.`);
  }
}

/** The adapter's limit is below what the run requires (e.g. a model too big for one buffer). */
export class LimitTooLowError extends GpuError {
  override name = 'LimitTooLowError';
  constructor(
    readonly limit: string,
    readonly required: number,
    readonly available: number,
  ) {
    super(
      `This GPU adapter's limit '${limit}' is ${available}, but ${required} is required. ` +
        'Try a smaller model or batch, or another GPU.',
    );
  }
}

/** The device went away (driver reset, GPU removed, page backgrounded too long). */
export class DeviceLostError extends GpuError {
  override name = 'DeviceLostError';
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(`The GPU device was lost (${reason}${detail ? `: ${detail}` : ''}). Acquire a new device to continue.`);
  }
}

/** An allocation failed: the GPU is out of memory. */
export class OutOfMemoryError extends GpuError {
  override name = 'OutOfMemoryError';
  constructor(what: string, detail: string) {
    super(`The GPU ran out of memory while ${what}${detail ? ` (${detail})` : ''}. Try a smaller model or batch.`);
  }
}

/** WebGPU rejected a call as invalid: a bug in our code, reported with the offending label. */
export class GpuValidationError extends GpuError {
  override name = 'GpuValidationError';
  constructor(what: string, detail: string) {
    super(`WebGPU validation failed while ${what}: ${detail}`);
  }
}
