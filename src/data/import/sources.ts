// Where import bytes come from: the ByteSource of src/util (a File/Blob, picked or dropped, also
// Node's fs.openAsBlob; bytes in memory), or a URL read with HTTP range requests (an optional
// token goes in the Authorization header). An import's aborted read throws ImportCancelledError.
// Text formats read a source front to back in chunks; parquet reads the byte ranges it needs.
import { blobSource as anyBlob, bytesSource as anyBytes, checkAbort, checkRange, type ByteSource, type SourceOptions } from '../../util/byte-source';
import { FetchError, ImportCancelledError } from '../errors';

export type { ByteSource };

const IMPORT: SourceOptions = { cancelled: (name) => new ImportCancelledError(name) };

/** A File or Blob to import. */
export function blobSource(blob: Blob, name?: string): ByteSource {
  return anyBlob(blob, name, IMPORT);
}

/** Bytes in memory to import. */
export function bytesSource(bytes: Uint8Array, name: string): ByteSource {
  return anyBytes(bytes, name, IMPORT);
}

export interface UrlOptions {
  /** A Hugging Face (or other) access token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  signal?: AbortSignal;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.search = u.search ? '?…' : '';
    return u.toString();
  } catch {
    return url;
  }
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) return 'The server refused access: check the token (Hugging Face: a read token, and accept the dataset terms on its page).';
  if (status === 404) return 'Not found: check the URL (Hugging Face files are under /resolve/main/...).';
  if (status === 416) return 'The server rejected the byte range.';
  if (status === 429) return 'Rate limited: wait a minute and try again.';
  return 'Try again later or download the file and import it from disk.';
}

export async function urlSource(url: string, options: UrlOptions = {}): Promise<ByteSource> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const name = displayUrl(url);
  const headers = (extra: Record<string, string> = {}): Record<string, string> =>
    options.token ? { ...extra, Authorization: `Bearer ${options.token}` } : extra;
  const request = async (init: RequestInit, signal?: AbortSignal): Promise<Response> => {
    let res: Response;
    try {
      res = await doFetch(url, { ...init, signal: signal ?? options.signal });
    } catch (e) {
      if ((signal ?? options.signal)?.aborted) throw new ImportCancelledError(name);
      throw new FetchError(name, undefined, `Could not reach ${name}: ${(e as Error).message}. Check the address and your connection; the server must allow cross-origin requests (CORS).`);
    }
    if (!res.ok) throw new FetchError(name, res.status, `${name}: HTTP ${res.status}. ${statusHint(res.status)}`);
    return res;
  };

  // Learn the size with a one-byte range request (HEAD often lacks Content-Length behind CDNs).
  const probe = await request({ headers: headers({ Range: 'bytes=0-0' }) });
  const range = probe.headers.get('Content-Range');
  let size = range ? Number(range.split('/')[1]) : NaN;
  const ranged = probe.status === 206;
  if (!ranged) size = Number(probe.headers.get('Content-Length'));
  await probe.body?.cancel().catch(() => undefined);
  if (!Number.isFinite(size)) throw new FetchError(name, probe.status, `${name}: the server did not report the file size. Download the file and import it from disk.`);
  const version = probe.headers.get('ETag') ?? probe.headers.get('Last-Modified') ?? '';

  return {
    name,
    size,
    version,
    async *chunks(signal) {
      const res = await request({ headers: headers() }, signal);
      if (!res.body) throw new FetchError(name, res.status, `${name}: the response has no body.`);
      const reader = res.body.getReader();
      try {
        while (true) {
          checkAbort(signal, name, IMPORT);
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        // Stops the download when the consumer stops early (error, cancel).
        await reader.cancel().catch(() => undefined);
      }
    },
    async read(start, end, signal) {
      checkRange(name, start, end, size);
      if (!ranged) throw new FetchError(name, probe.status, `${name}: the server does not support range requests, which parquet import needs. Download the file and import it from disk.`);
      const res = await request({ headers: headers({ Range: `bytes=${start}-${end - 1}` }) }, signal);
      if (res.status !== 206) throw new FetchError(name, res.status, `${name}: the server ignored the byte range (HTTP ${res.status}).`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}
