// Downloads and the model cache, against a local HTTP server this test starts on 127.0.0.1 (never
// the real hub): progress, resume with Range, restart when ranges are ignored, clean failure with
// nothing half-cached, tokens, aborts, hub URL layout, sharded checkpoints, list and delete.
import 'fake-indexeddb/auto';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/models/checkpoint';
import { DownloadAbortedError, DownloadInterruptedError, HttpStatusError, InvalidRepoIdError, ModelTooLargeError, UnsupportedArchitectureError } from '../../src/models/errors';
import { ModelCache } from '../../src/models/hub/cache';
import { downloadToSink, type DownloadSink } from '../../src/models/hub/download';
import { cachedCheckpoint, fetchCheckpoint } from '../../src/models/hub/fetch-checkpoint';
import { hubFileUrl, locationKey, type CheckpointLocation } from '../../src/models/hub/urls';
import { folderFiles } from '../../src/models/io/node-files';
import { checkFits, estimateMemory } from '../../src/models/memory';

const FIX = 'tests/fixtures/tiny-checkpoint';

/** Per-path fault injection: each entry is consumed by one request. */
type Fault = { dropAfter: number } | { status: number } | 'ignore-range';

interface Logged {
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
  auth: string | undefined;
}

class TestServer {
  files = new Map<string, Uint8Array>();
  faults = new Map<string, Fault[]>();
  log: Logged[] = [];
  token: string | null = null;
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url!, this.base).pathname);
    this.log.push({ path, range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined, auth: req.headers.authorization });
    if (this.token !== null && req.headers.authorization !== `Bearer ${this.token}`) {
      res.writeHead(401, 'Unauthorized').end();
      return;
    }
    const body = this.files.get(path);
    if (!body) {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    const fault = this.faults.get(path)?.shift();
    if (fault && typeof fault === 'object' && 'status' in fault) {
      res.writeHead(fault.status).end();
      return;
    }
    const etag = `"${body.length}-${body[body.length - 1]}"`;
    let start = 0;
    const m = req.headers.range?.match(/^bytes=(\d+)-$/);
    const rangeOk = m && fault !== 'ignore-range' && (req.headers['if-range'] === undefined || req.headers['if-range'] === etag);
    if (m && rangeOk) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`, ETag: etag });
    } else {
      res.writeHead(200, { 'Content-Length': body.length, ETag: etag, 'Accept-Ranges': 'bytes' });
    }
    const rest = body.subarray(start);
    if (fault && typeof fault === 'object' && 'dropAfter' in fault) {
      // Send part of the body, then cut the connection (a network failure mid-download).
      res.write(rest.subarray(0, fault.dropAfter), () => setTimeout(() => res.socket?.destroy(), 5));
      return;
    }
    res.end(rest);
  }
}

const server = new TestServer();
let dbCount = 0;
const freshCache = (chunkBytes = 4096) => ModelCache.open(`test-models-${dbCount++}`, { chunkBytes });

/** Serves a fixture checkpoint folder at `${prefix}/${file}`. */
async function serveFolder(dir: string, prefix: string): Promise<void> {
  for (const f of await readdir(`${FIX}/${dir}`)) server.files.set(`${prefix}/${f}`, new Uint8Array(await readFile(`${FIX}/${dir}/${f}`)));
}

function memorySink(): DownloadSink & { bytes(): Uint8Array; resets: number } {
  let parts: Uint8Array[] = [];
  let resets = 0;
  return {
    async write(c) {
      parts.push(c.slice());
    },
    async reset() {
      parts = [];
      resets++;
    },
    bytes: () => {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
      return out;
    },
    get resets() {
      return resets;
    },
  };
}

beforeAll(async () => {
  await server.start();
  await serveFolder('llama-f32', '/owner/tiny-llama/resolve/main');
  await serveFolder('qwen2-bf16', '/owner/tiny-qwen2/resolve/v1.0');
  await serveFolder('qwen2-f32', '/plain/qwen2');
});
afterAll(() => server.stop());

describe('downloadToSink', () => {
  const path = '/plain/qwen2/model.safetensors';

  it('streams a file with monotone progress up to its size', async () => {
    const sink = memorySink();
    const seen: number[] = [];
    const r = await downloadToSink(server.base + path, sink, { onProgress: (p) => seen.push(p.receivedBytes) });
    const want = server.files.get(path)!;
    expect(r).toMatchObject({ bytes: want.length, attempts: 1 });
    expect(sink.bytes()).toEqual(want);
    expect(seen.at(-1)).toBe(want.length);
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1])).toBe(true);
  });

  it('resumes with a Range request pinned by If-Range after a dropped connection', async () => {
    server.faults.set(path, [{ dropAfter: 30000 }]);
    server.log = [];
    const sink = memorySink();
    const r = await downloadToSink(server.base + path, sink, { retryDelayMs: 1 });
    expect(r.attempts).toBe(2);
    expect(sink.bytes()).toEqual(server.files.get(path));
    expect(sink.resets).toBe(0);
    expect(server.log[1].range).toMatch(/^bytes=\d+-$/);
    expect(Number(server.log[1].range!.slice(6, -1))).toBeGreaterThanOrEqual(30000);
    expect(server.log[1].ifRange).toMatch(/^"/);
  });

  it('starts over when the server ignores the range', async () => {
    server.faults.set(path, [{ dropAfter: 20000 }, 'ignore-range']);
    const sink = memorySink();
    const r = await downloadToSink(server.base + path, sink, { retryDelayMs: 1 });
    expect(r.attempts).toBe(2);
    expect(sink.resets).toBe(1);
    expect(sink.bytes()).toEqual(server.files.get(path));
  });

  it('retries server errors, but not a 404, and sends the token', async () => {
    server.faults.set(path, [{ status: 503 }]);
    expect((await downloadToSink(server.base + path, memorySink(), { retryDelayMs: 1 })).attempts).toBe(2);
    server.log = [];
    const err = await downloadToSink(`${server.base}/plain/qwen2/nope.bin`, memorySink(), { retryDelayMs: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err.message).toMatch(/404 Not Found\. Check the repo id/);
    expect(server.log).toHaveLength(1);
    server.token = 'hf_secret';
    try {
      const denied = await downloadToSink(server.base + path, memorySink()).catch((e) => e);
      expect(denied.message).toMatch(/401.*supply a Hugging Face access token/);
      await downloadToSink(server.base + path, memorySink(), { token: 'hf_secret' });
      expect(server.log.at(-1)!.auth).toBe('Bearer hf_secret');
    } finally {
      server.token = null;
    }
  });

  it('fails with DownloadInterruptedError when every attempt drops', async () => {
    server.faults.set(path, [{ dropAfter: 1000 }, { dropAfter: 1000 }, { dropAfter: 1000 }]);
    const err = await downloadToSink(server.base + path, memorySink(), { retryDelayMs: 1, maxAttempts: 3 }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadInterruptedError);
    expect(err.message).toMatch(/failed after 2\.9\d KiB of 99\.\d KiB \(3 attempts\).*Nothing was cached/);
  });
});

describe('ModelCache', () => {
  const path = '/plain/qwen2/model.safetensors';

  it('caches a download in chunks and reads any byte range back', async () => {
    const cache = await freshCache(1000);
    const rec = await cache.download('g', 'model.safetensors', server.base + path);
    const want = server.files.get(path)!;
    expect(rec).toMatchObject({ size: want.length, chunks: Math.ceil(want.length / 1000) });
    const src = (await cache.source('g', 'model.safetensors'))!;
    expect(await src.read(0, want.length)).toEqual(want);
    expect(await src.read(999, 2001)).toEqual(want.subarray(999, 2001));
    expect(await src.read(5, 5)).toEqual(new Uint8Array(0));
    // A second download of the same file is served from the cache.
    server.log = [];
    await cache.download('g', 'model.safetensors', server.base + path);
    expect(server.log).toHaveLength(0);
    cache.close();
  });

  it('keeps nothing of a download that fails mid-way or is aborted', async () => {
    const cache = await freshCache(1000);
    server.faults.set(path, [{ dropAfter: 5000 }, { dropAfter: 5000 }]);
    await expect(cache.download('g', 'm', server.base + path, { retryDelayMs: 1, maxAttempts: 2 })).rejects.toThrow(DownloadInterruptedError);
    expect(await cache.get('g', 'm')).toBeUndefined();
    expect(await cache.chunkCount()).toBe(0);
    expect(await cache.list()).toEqual([]);

    const ctl = new AbortController();
    const err = await cache
      .download('g', 'm', server.base + path, { signal: ctl.signal, onProgress: (p) => p.receivedBytes > 10000 && ctl.abort() })
      .catch((e) => e);
    expect(err).toBeInstanceOf(DownloadAbortedError);
    expect(await cache.get('g', 'm')).toBeUndefined();
    expect(await cache.chunkCount()).toBe(0);
    cache.close();
  });

  it('resumes into the cache and the result is byte-identical', async () => {
    const cache = await freshCache(1000);
    server.faults.set(path, [{ dropAfter: 12345 }]);
    const rec = await cache.download('g', 'm', server.base + path, { retryDelayMs: 1 });
    const src = (await cache.source('g', 'm'))!;
    expect(await src.read(0, rec.size)).toEqual(server.files.get(path));
    cache.close();
  });

  it('sweeps chunks a crashed download left behind', async () => {
    const name = `test-models-${dbCount++}`;
    const cache = await ModelCache.open(name);
    cache.close();
    const db = await openDB(name, 1);
    await db.put('chunks', { blobId: '0-crashed', index: 0, data: new Uint8Array(8) });
    db.close();
    const reopened = await ModelCache.open(name);
    expect(await reopened.chunkCount()).toBe(0);
    reopened.close();
  });
});

describe('fetchCheckpoint', () => {
  it('fetches a sharded hub checkpoint, loads it as from disk, lists and deletes it', async () => {
    const cache = await freshCache();
    const loc: CheckpointLocation = { kind: 'hub', hub: { repo: 'owner/tiny-llama', endpoint: server.base } };
    const progress: string[] = [];
    const files = await fetchCheckpoint(cache, loc, { onProgress: (p) => progress.push(p.file) });
    expect(new Set(progress)).toEqual(
      new Set(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']),
    );
    const fromCache = await openCheckpoint(files);
    const fromDisk = await openCheckpoint(await folderFiles(`${FIX}/llama-f32`));
    for (const name of fromDisk.weights.names()) expect(await fromCache.weights.readFloat32(name)).toEqual(await fromDisk.weights.readFloat32(name));
    expect(fromCache.tokenizer.encode('Hello world')).toEqual(fromDisk.tokenizer.encode('Hello world'));

    const groups = await cache.list();
    expect(groups.map((g) => g.group)).toEqual([locationKey(loc)]);
    expect(groups[0].files).toHaveLength(6);
    // Offline: the cached group opens without the server.
    const offline = await openCheckpoint(await cachedCheckpoint(cache, locationKey(loc)));
    expect(offline.config.architecture).toBe('LlamaForCausalLM');
    expect(await cache.deleteGroup(locationKey(loc))).toBe(6);
    expect(await cache.list()).toEqual([]);
    expect(await cache.chunkCount()).toBe(0);
    cache.close();
  });

  it('fetches a single-file checkpoint at a revision', async () => {
    const cache = await freshCache();
    const opened = await openCheckpoint(await fetchCheckpoint(cache, { kind: 'hub', hub: { repo: 'owner/tiny-qwen2', revision: 'v1.0', endpoint: server.base } }));
    expect(opened.weightFiles).toEqual(['model.safetensors']);
    expect(opened.config.architecture).toBe('Qwen2ForCausalLM');
    cache.close();
  });

  it('refuses a model too large for the adapter before downloading any weights', async () => {
    const cache = await freshCache();
    server.log = [];
    const tiny = { maxBufferSize: 4096, maxStorageBufferBindingSize: 4096 };
    const err = await fetchCheckpoint(cache, { kind: 'url', baseUrl: `${server.base}/plain/qwen2` }, {
      beforeWeights: (config) => checkFits(estimateMemory(config, { seqLen: 8 }), tiny),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelTooLargeError);
    expect(server.log.map((l) => l.path)).toEqual(['/plain/qwen2/config.json']);
    cache.close();
  });

  it('refuses an unsupported architecture before downloading anything else', async () => {
    const cache = await freshCache();
    server.files.set('/plain/gpt2/config.json', new TextEncoder().encode(JSON.stringify({ architectures: ['GPT2LMHeadModel'], n_embd: 8 })));
    server.log = [];
    await expect(fetchCheckpoint(cache, { kind: 'url', baseUrl: `${server.base}/plain/gpt2` })).rejects.toThrow(UnsupportedArchitectureError);
    expect(server.log).toHaveLength(1);
    cache.close();
  });
});

describe('hub URLs', () => {
  it('follows the resolve layout and encodes revisions', () => {
    expect(hubFileUrl({ repo: 'HuggingFaceTB/SmolLM2-135M-Instruct' }, 'config.json')).toBe('https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct/resolve/main/config.json');
    expect(hubFileUrl({ repo: 'Qwen/Qwen2.5-0.5B-Instruct', revision: 'refs/pr/1' }, 'model.safetensors')).toBe(
      'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct/resolve/refs%2Fpr%2F1/model.safetensors',
    );
  });

  it('refuses repo ids that cannot be right', () => {
    for (const bad of ['noslash', 'a/b/c', '-x/y', 'x/y-', 'x/../y', 'o w/n']) expect(() => hubFileUrl({ repo: bad }, 'config.json')).toThrow(InvalidRepoIdError);
  });
});
