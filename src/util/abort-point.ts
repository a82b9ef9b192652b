// Places in long loops where a run can be cancelled. On the cpu backend a loop of forward passes
// awaits only promises that are already settled, so it never leaves the microtask queue, and a
// cancel (a message to the worker, SIGINT/SIGTERM in Node) is a macrotask that waits for the whole
// loop. These let the event loop run, at most every ~50 ms (a few per cent of a loop's time at
// most).
const INTERVAL_MS = 50;
let last = 0;

/** Lets pending events (a cancel) run, when ~50 ms have passed since the last time. */
export async function yieldIfDue(): Promise<void> {
  if (Date.now() - last < INTERVAL_MS) return;
  await new Promise((resolve) => setTimeout(resolve, 0));
  last = Date.now();
}

/** yieldIfDue, then throws the signal's reason if the run was cancelled. */
export async function abortPoint(signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  await yieldIfDue();
  signal?.throwIfAborted();
}
