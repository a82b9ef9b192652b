// A file on an HTTP server as a ByteSource, read by Range requests: the CLI (and a browser that
// wants only the headers) can inspect a remote checkpoint without downloading its weights.
import { HttpStatusError } from '../errors';
import type { CheckpointFiles } from '../checkpoint';
import { fileUrl, type CheckpointLocation } from '../hub/urls';
import { checkRange, readChunks, type ByteSource } from '../../util/byte-source';

export interface HttpOptions {
  token?: string;
  fetch?: typeof fetch;
}

/** Opens `url` (one 1-byte range request to learn its size); undefined when it is a 404. */
export async function httpSource(url: string, name: string, o: HttpOptions = {}): Promise<ByteSource | undefined> {
  const doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const headers = (range: string): Record<string, string> => ({ Range: range, ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}) });
  const probe = await doFetch(url, { headers: headers('bytes=0-0') });
  await probe.body?.cancel();
  if (probe.status === 404) return undefined;
  if (!probe.ok) throw new HttpStatusError(url, probe.status, probe.statusText);
  const total = probe.status === 206 ? Number(probe.headers.get('Content-Range')?.split('/')[1]) : Number(probe.headers.get('Content-Length'));
  if (!Number.isFinite(total)) throw new HttpStatusError(url, probe.status, 'gave no file size (Content-Range / Content-Length)');
  const source: ByteSource = {
    name,
    size: total,
    async read(start, end) {
      checkRange(name, start, end, total);
      if (end === start) return new Uint8Array(0);
      const r = await doFetch(url, { headers: headers(`bytes=${start}-${end - 1}`) });
      if (!r.ok) throw new HttpStatusError(url, r.status, r.statusText);
      const body = new Uint8Array(await r.arrayBuffer());
      // A server that ignores Range sends the whole file: take the slice we asked for.
      return r.status === 206 ? body : body.slice(start, end);
    },
    chunks: (signal) => readChunks(source, signal),
  };
  return source;
}

/** A remote checkpoint's files, opened lazily by name. */
export function remoteFiles(loc: CheckpointLocation, o: HttpOptions = {}): CheckpointFiles {
  const opened: string[] = [];
  return {
    where: loc.kind === 'hub' ? `${loc.hub.repo}@${loc.hub.revision ?? 'main'}` : loc.baseUrl,
    names: () => [...opened],
    async get(name) {
      const s = await httpSource(fileUrl(loc, name), name, o);
      if (s && !opened.includes(name)) opened.push(name);
      return s;
    },
  };
}
