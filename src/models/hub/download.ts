// Streams one file over HTTP into a sink, with progress, and survives a dropped connection by
// resuming where it stopped (an HTTP Range request, pinned to the same file version with If-Range)
// or, when the server ignores ranges, by starting over. When the retries run out, or on abort, it
// fails with a typed error and the caller discards what the sink holds: nothing is half-cached.
import { DownloadAbortedError, DownloadInterruptedError, HttpStatusError } from '../errors';

/** Where downloaded bytes go, in order. `reset` drops everything written (a restart from 0). */
export interface DownloadSink {
  write(chunk: Uint8Array): Promise<void>;
  reset(): Promise<void>;
}

export interface DownloadProgress {
  url: string;
  receivedBytes: number;
  /** From Content-Length / Content-Range; undefined when the server does not say. */
  totalBytes: number | undefined;
  /** 1 for the first request; higher after a resume or restart. */
  attempt: number;
}

export interface DownloadOptions {
  /** A Hugging Face access token (sent as a Bearer token) for gated or private repos. */
  token?: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Requests in all, the first included (default 4). */
  maxAttempts?: number;
  /** Wait before the first retry, doubled each time (default 500 ms). */
  retryDelayMs?: number;
  /** Injected fetch (tests); defaults to the global one. */
  fetch?: typeof fetch;
}

export interface DownloadResult {
  bytes: number;
  etag: string | null;
  attempts: number;
}

/** Statuses worth retrying: timeouts, rate limits and server errors. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export async function downloadToSink(url: string, sink: DownloadSink, o: DownloadOptions = {}): Promise<DownloadResult> {
  const doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const maxAttempts = o.maxAttempts ?? 4;
  let received = 0;
  let total: number | undefined;
  let etag: string | null = null;
  let lastError: unknown = null;

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (o.signal?.aborted) throw new DownloadAbortedError(url);
    if (attempt > 1) await sleep((o.retryDelayMs ?? 500) * 2 ** (attempt - 2), o.signal, url);
    const headers: Record<string, string> = {};
    if (o.token) headers.Authorization = `Bearer ${o.token}`;
    if (received > 0) {
      headers.Range = `bytes=${received}-`;
      if (etag) headers['If-Range'] = etag;
    }
    let response: Response;
    try {
      response = await doFetch(url, { headers, signal: o.signal });
    } catch (e) {
      if (o.signal?.aborted) throw new DownloadAbortedError(url);
      lastError = e;
      continue;
    }

    if (response.status === 416 && total !== undefined && received === total) {
      await response.body?.cancel();
      return { bytes: received, etag, attempts: attempt }; // everything had arrived before the drop
    }
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('Content-Range'));
      if (!range || range.start !== received) {
        // A range we did not ask for: start over rather than stitch mismatched bytes.
        await response.body?.cancel();
        await sink.reset();
        received = 0;
        lastError = new Error(`the server answered a range request with Content-Range ${response.headers.get('Content-Range')}`);
        continue;
      }
      total = range.total ?? total;
    } else if (response.ok) {
      if (received > 0) {
        // The server ignored Range (or the file changed, and If-Range made it send all of it).
        await sink.reset();
        received = 0;
      }
      const len = response.headers.get('Content-Length');
      total = len !== null && response.headers.get('Content-Encoding') === null ? Number(len) : undefined;
    } else {
      await response.body?.cancel();
      if (response.status === 416) {
        await sink.reset();
        received = 0;
        lastError = new HttpStatusError(url, 416, response.statusText);
        continue;
      }
      const err = new HttpStatusError(url, response.status, response.statusText);
      if (!retryable(response.status)) throw err;
      lastError = err;
      continue;
    }
    etag = response.headers.get('ETag') ?? etag;
    o.onProgress?.({ url, receivedBytes: received, totalBytes: total, attempt });

    try {
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await sink.write(value);
        received += value.byteLength;
        o.onProgress?.({ url, receivedBytes: received, totalBytes: total, attempt });
      }
    } catch (e) {
      if (o.signal?.aborted) throw new DownloadAbortedError(url);
      lastError = e;
      continue;
    }
    if (total === undefined || received === total) return { bytes: received, etag, attempts: attempt };
    lastError = new Error(`the connection closed after ${received} of ${total} bytes`);
  }
  throw new DownloadInterruptedError(url, received, total, maxAttempts, lastError);
}

function parseContentRange(v: string | null): { start: number; end: number; total: number | undefined } | null {
  const m = v?.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/);
  if (!m) return null;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

function sleep(ms: number, signal: AbortSignal | undefined, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new DownloadAbortedError(url));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
