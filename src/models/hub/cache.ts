// The browser's model cache, in IndexedDB (idb): downloaded checkpoint files stored as chunks, read
// back lazily as ByteSources, listed and deleted by checkpoint. A file becomes visible only when
// its record is written, in one transaction, after the last chunk: an interrupted or failed
// download leaves no entry, and its chunks (under a fresh blob id no record points to) are deleted
// at once, or swept on the next open after a crash.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { CacheEntryError } from '../errors';
import { checkRange, readChunks, type ByteSource } from '../../util/byte-source';
import { downloadToSink, type DownloadOptions } from './download';

export const DEFAULT_CACHE_DB = 'persona-lab-models';
/** 8 MiB: big enough that a 1 GB file is ~120 records, small enough to read one tensor cheaply. */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/** Orphan chunks younger than this are left alone at open (a download in another tab). */
const ORPHAN_AGE_MS = 6 * 3600 * 1000;

/** Blob ids start with their creation time, so orphan sweeps can tell old from in-progress. */
function newBlobId(): string {
  return `${Date.now().toString(36)}-${crypto.randomUUID()}`;
}

function blobTime(blobId: string): number {
  const t = parseInt(blobId.split('-')[0], 36);
  return Number.isFinite(t) ? t : 0;
}

export interface CachedFile {
  /** Unique key: `${group}/${file}`. */
  key: string;
  /** The checkpoint it belongs to (see urls.ts locationKey). */
  group: string;
  file: string;
  url: string;
  size: number;
  etag: string | null;
  /** Where its chunks live. */
  blobId: string;
  chunkBytes: number;
  chunks: number;
  storedAt: number;
}

export interface CachedGroup {
  group: string;
  files: CachedFile[];
  bytes: number;
}

interface CacheSchema extends DBSchema {
  files: { key: string; value: CachedFile; indexes: { group: string } };
  chunks: { key: [string, number]; value: { blobId: string; index: number; data: Uint8Array } };
}

export class ModelCache {
  private constructor(
    private readonly db: IDBPDatabase<CacheSchema>,
    readonly chunkBytes: number,
  ) {}

  /** Opens (or creates) the cache and sweeps chunks left by a crashed download. */
  static async open(name = DEFAULT_CACHE_DB, options: { chunkBytes?: number } = {}): Promise<ModelCache> {
    const db = await openDB<CacheSchema>(name, 1, {
      upgrade(d) {
        d.createObjectStore('files', { keyPath: 'key' }).createIndex('group', 'group');
        d.createObjectStore('chunks', { keyPath: ['blobId', 'index'] });
      },
    });
    const cache = new ModelCache(db, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    await cache.sweepOrphans();
    return cache;
  }

  close(): void {
    this.db.close();
  }

  static fileKey(group: string, file: string): string {
    return `${group}/${file}`;
  }

  async get(group: string, file: string): Promise<CachedFile | undefined> {
    return this.db.get('files', ModelCache.fileKey(group, file));
  }

  /** A complete cached file as a ByteSource, or undefined when it is not cached. */
  async source(group: string, file: string): Promise<ByteSource | undefined> {
    const rec = await this.get(group, file);
    return rec && new CachedFileSource(this.db, rec);
  }

  /**
   * Downloads `url` into the cache as (group, file) unless it is already there. Progress, resume
   * and retries as in download.ts. On failure nothing is cached and the error is rethrown.
   */
  async download(group: string, file: string, url: string, options: DownloadOptions = {}): Promise<CachedFile> {
    const existing = await this.get(group, file);
    if (existing) return existing;
    const blobId = newBlobId();
    const sink = new ChunkSink(this.db, blobId, this.chunkBytes);
    try {
      const result = await downloadToSink(url, sink, options);
      await sink.flush();
      const rec: CachedFile = {
        key: ModelCache.fileKey(group, file),
        group,
        file,
        url,
        size: result.bytes,
        etag: result.etag,
        blobId,
        chunkBytes: this.chunkBytes,
        chunks: sink.chunksWritten,
        storedAt: Date.now(),
      };
      await this.db.put('files', rec);
      return rec;
    } catch (e) {
      await deleteChunks(this.db, blobId);
      throw e;
    }
  }

  /** Stores bytes the user already has (picked files) under (group, file), atomically. */
  async put(group: string, file: string, bytes: Uint8Array, url = ''): Promise<CachedFile> {
    const blobId = newBlobId();
    const sink = new ChunkSink(this.db, blobId, this.chunkBytes);
    try {
      await sink.write(bytes);
      await sink.flush();
      const rec: CachedFile = { key: ModelCache.fileKey(group, file), group, file, url, size: bytes.byteLength, etag: null, blobId, chunkBytes: this.chunkBytes, chunks: sink.chunksWritten, storedAt: Date.now() };
      const old = await this.get(group, file);
      await this.db.put('files', rec);
      if (old) await deleteChunks(this.db, old.blobId);
      return rec;
    } catch (e) {
      await deleteChunks(this.db, blobId);
      throw e;
    }
  }

  async list(): Promise<CachedGroup[]> {
    const groups = new Map<string, CachedGroup>();
    for (const f of await this.db.getAll('files')) {
      const g = groups.get(f.group) ?? { group: f.group, files: [], bytes: 0 };
      g.files.push(f);
      g.bytes += f.size;
      groups.set(f.group, g);
    }
    return [...groups.values()].sort((a, b) => a.group.localeCompare(b.group));
  }

  async deleteFile(group: string, file: string): Promise<boolean> {
    const rec = await this.get(group, file);
    if (!rec) return false;
    // Record first: a crash between the two leaves orphan chunks (swept later), never a record
    // pointing at missing chunks.
    await this.db.delete('files', rec.key);
    await deleteChunks(this.db, rec.blobId);
    return true;
  }

  async deleteGroup(group: string): Promise<number> {
    const files = await this.db.getAllFromIndex('files', 'group', group);
    for (const f of files) await this.deleteFile(f.group, f.file);
    return files.length;
  }

  /**
   * Deletes chunks no record points to (a download interrupted by closing the tab), once they are
   * older than `olderThanMs`: younger ones may belong to a download running in another tab.
   */
  async sweepOrphans(olderThanMs = ORPHAN_AGE_MS): Promise<number> {
    const live = new Set((await this.db.getAll('files')).map((f) => f.blobId));
    const tx = this.db.transaction('chunks', 'readwrite');
    let removed = 0;
    const now = Date.now();
    for (let cursor = await tx.store.openKeyCursor(); cursor; cursor = await cursor.continue()) {
      const blobId = cursor.key[0];
      if (!live.has(blobId) && now - blobTime(blobId) >= olderThanMs) {
        await tx.store.delete(cursor.key);
        removed++;
      }
    }
    await tx.done;
    return removed;
  }

  /** Chunk records currently stored (tests check that failures leave none behind). */
  async chunkCount(): Promise<number> {
    return this.db.count('chunks');
  }
}

/** Buffers writes into fixed-size chunks, each stored as its own record. */
class ChunkSink {
  chunksWritten = 0;
  private buffer: Uint8Array;
  private filled = 0;

  constructor(
    private readonly db: IDBPDatabase<CacheSchema>,
    private readonly blobId: string,
    private readonly chunkBytes: number,
  ) {
    this.buffer = new Uint8Array(chunkBytes);
  }

  async write(data: Uint8Array): Promise<void> {
    let at = 0;
    while (at < data.byteLength) {
      const n = Math.min(this.chunkBytes - this.filled, data.byteLength - at);
      this.buffer.set(data.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === this.chunkBytes) await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.filled === 0) return;
    await this.db.put('chunks', { blobId: this.blobId, index: this.chunksWritten, data: this.buffer.slice(0, this.filled) });
    this.chunksWritten++;
    this.filled = 0;
  }

  async reset(): Promise<void> {
    await deleteChunks(this.db, this.blobId);
    this.chunksWritten = 0;
    this.filled = 0;
  }
}

async function deleteChunks(db: IDBPDatabase<CacheSchema>, blobId: string): Promise<void> {
  await db.delete('chunks', IDBKeyRange.bound([blobId, 0], [blobId, Infinity]));
}

/** Reads byte ranges of a cached file from its chunks; keeps the last chunk read. */
class CachedFileSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  private last: { index: number; data: Uint8Array } | null = null;

  constructor(
    private readonly db: IDBPDatabase<CacheSchema>,
    private readonly rec: CachedFile,
  ) {
    this.name = rec.file;
    this.size = rec.size;
  }

  async read(start: number, end: number): Promise<Uint8Array> {
    checkRange(this.name, start, end, this.size);
    const out = new Uint8Array(end - start);
    const cb = this.rec.chunkBytes;
    for (let i = Math.floor(start / cb); i * cb < end; i++) {
      const chunk = await this.chunk(i);
      const from = Math.max(start, i * cb);
      const to = Math.min(end, (i + 1) * cb);
      out.set(chunk.subarray(from - i * cb, to - i * cb), from - start);
    }
    return out;
  }

  chunks(signal?: AbortSignal): AsyncIterable<Uint8Array> {
    return readChunks(this, signal);
  }

  private async chunk(index: number): Promise<Uint8Array> {
    if (this.last?.index === index) return this.last.data;
    const rec = await this.db.get('chunks', [this.rec.blobId, index]);
    const expected = Math.min(this.rec.chunkBytes, this.size - index * this.rec.chunkBytes);
    if (!rec || rec.data.byteLength !== expected) throw new CacheEntryError(this.rec.key, `is missing chunk ${index} of ${this.rec.chunks}`);
    this.last = { index, data: rec.data };
    return rec.data;
  }
}
