// Importing from a URL: HTTP range requests with an optional token, against an in-process fake
// server (nothing leaves the machine). Parquet reads only the byte ranges it needs.
import { describe, expect, it } from 'vitest';
import { personaJsonlText, personaParquetBytes, syntheticPersonaRows } from '../../../src/cli/commands/data-fixtures';
import { FetchError, ImportCancelledError, readPersonaDataset, urlSource } from '../../../src/data';

interface Served {
  fetch: typeof fetch;
  requests: { range: string | null; auth: string | null }[];
  bytesSent: () => number;
}

function server(body: Uint8Array, opts: { token?: string; ranges?: boolean } = {}): Served {
  const requests: Served['requests'] = [];
  let sent = 0;
  const f = (async (_url: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const range = headers.get('Range');
    const auth = headers.get('Authorization');
    requests.push({ range, auth });
    if (opts.token && auth !== `Bearer ${opts.token}`) return new Response('no', { status: 401 });
    const m = range && opts.ranges !== false ? /bytes=(\d+)-(\d+)/.exec(range) : null;
    if (m) {
      const start = Number(m[1]);
      const end = Math.min(Number(m[2]), body.length - 1);
      const part = body.slice(start, end + 1);
      sent += part.length;
      return new Response(part, { status: 206, headers: { 'Content-Range': `bytes ${start}-${end}/${body.length}`, ETag: '"v1"' } });
    }
    sent += body.length;
    return new Response(body.slice(), { status: 200, headers: { 'Content-Length': String(body.length) } });
  }) as typeof fetch;
  return { fetch: f, requests, bytesSent: () => sent };
}

const rows = [...syntheticPersonaRows(600, 2)];

describe('urlSource', () => {
  it('imports parquet over range requests, sending the token on every request', async () => {
    const bytes = personaParquetBytes(rows, 100);
    const s = server(bytes, { token: 'hf_secret' });
    const src = await urlSource('https://example.test/data/train.parquet?download=1', { token: 'hf_secret', fetch: s.fetch });
    expect(src.size).toBe(bytes.length);
    expect(src.name).not.toContain('download=1');
    const progress: number[] = [];
    const { dataset } = await readPersonaDataset(src, { onProgress: (p) => progress.push(p.bytesDone) });
    expect(dataset.rows.length).toBe(600);
    expect(s.requests.every((r) => r.auth === 'Bearer hf_secret')).toBe(true);
    expect(s.requests.filter((r) => r.range).length).toBeGreaterThan(6); // footer + each row group
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toBe(bytes.length);
  });

  it('streams JSONL with one plain GET', async () => {
    const body = new TextEncoder().encode(personaJsonlText(rows));
    const s = server(body);
    const { dataset } = await readPersonaDataset(await urlSource('https://example.test/rows.jsonl', { fetch: s.fetch }));
    expect(dataset.rows.length).toBe(600);
  });

  it('explains an HTTP 401 and a server without range support', async () => {
    const s = server(new Uint8Array(10), { token: 'right' });
    const err = await urlSource('https://example.test/x.parquet', { token: 'wrong', fetch: s.fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).status).toBe(401);
    expect((err as Error).message).toMatch(/check the token/);
    expect((err as Error).message).not.toContain('wrong');

    const noRanges = server(personaParquetBytes(rows.slice(0, 10)), { ranges: false });
    const src = await urlSource('https://example.test/x.parquet', { fetch: noRanges.fetch });
    await expect(readPersonaDataset(src)).rejects.toThrow(/does not support range requests/);
  });

  it('a network failure and a cancel are reported as such', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(urlSource('https://example.test/x', { fetch: failing })).rejects.toThrow(/Could not reach.*CORS/);
    const ac = new AbortController();
    const s = server(personaParquetBytes(rows, 50));
    const src = await urlSource('https://example.test/x.parquet', { fetch: s.fetch });
    const err = await readPersonaDataset(src, { signal: ac.signal, onProgress: (p) => p.rows > 0 && ac.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportCancelledError);
  });
});
