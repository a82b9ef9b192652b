// The IndexedDB dataset cache (idb). Imports stream into shards as rows arrive, so memory stays
// bounded; each shard carries a content hash checked on every read. A dataset becomes visible
// only when its last shard is written: a failed, cancelled or quota-exceeded import is rolled
// back and leaves earlier datasets untouched; one interrupted by a reload is collected on the
// next open. A dataset's identity is its rows' content: the same file imported again is
// recognised by a cheap fingerprint of its bytes before reading, and the same rows from another
// file or format (JSONL, CSV, Parquet) by their content fingerprint after reading; neither is
// duplicated.
import { openDB, type IDBPDatabase } from 'idb';
import { ContentHasher } from '../content-hash';
import { DatasetNotFoundError, ShardIntegrityError, StoreError, StoreQuotaError } from '../errors';
import { readPersonaBatches, type ImportOptions, type ImportSummary } from '../import/persona-file';
import type { ByteSource } from '../import/sources';
import type { Dataset, DataRow, PersonaRecord } from '../schema';
import { decodeShard, defaultCodec, encodeShard, type ShardCodec } from './codec';
import { DB_NAME, DB_VERSION, type DataDb, type ShardKind, type StoredDatasetMeta, type StoredShard } from './schema';

/** An 'importing' record untouched this long is a leftover (a tab closed mid-import). */
const STALE_IMPORT_MS = 2 * 60_000;
const PERSONAS_PER_SHARD = 2000;

export interface StoreImportOptions extends ImportOptions {
  /** Import again even when the same file is already stored (the old copy is replaced on success). */
  force?: boolean;
  name?: string;
  /** Rows per shard (default 2,000). */
  shardRows?: number;
}

export interface StoreImportResult {
  meta: StoredDatasetMeta;
  /** True when the file was already stored and nothing was imported. */
  reused: boolean;
  summary?: ImportSummary;
}

async function encode(items: unknown[], codec: ShardCodec): Promise<{ data: Uint8Array; hash: string }> {
  const data = await encodeShard(new TextEncoder().encode(JSON.stringify(items)), codec);
  return { data, hash: new ContentHasher().updateBytes(data).hex() };
}

function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || (e instanceof Error && /quota/i.test(e.message));
}

let idCounter = 0;
function newId(prefix: string): string {
  idCounter = (idCounter + 1) % 1679616;
  return `${prefix}-${Date.now().toString(36)}-${idCounter.toString(36).padStart(4, '0')}`;
}

/** Size + hash of the first and last 64 KiB: a cheap check for the very same file again. */
export async function fingerprintSource(source: ByteSource, signal?: AbortSignal): Promise<string> {
  const h = new ContentHasher().update(`${source.size}|`);
  const k = 1 << 16;
  h.updateBytes(await source.read(0, Math.min(k, source.size), signal));
  if (source.size > k) h.updateBytes(await source.read(Math.max(k, source.size - k), source.size, signal));
  return `${source.size.toString(36)}-${h.hex()}`;
}

export class DatasetStore {
  /** Encoding of new shards (reading handles any). */
  readonly codec: ShardCodec = defaultCodec();

  private constructor(private readonly db: IDBPDatabase<DataDb>) {}

  static async open(name = DB_NAME): Promise<DatasetStore> {
    if (typeof indexedDB === 'undefined') throw new StoreError('IndexedDB is not available here, so datasets cannot be cached. Use a current Chrome or Edge.');
    const db = await openDB<DataDb>(name, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          const datasets = db.createObjectStore('datasets', { keyPath: 'id' });
          datasets.createIndex('byFingerprint', 'fingerprint');
          const shards = db.createObjectStore('shards', { keyPath: ['datasetId', 'kind', 'index'] });
          shards.createIndex('byDataset', 'datasetId');
        }
      },
      blocking() {
        // A newer version of the app wants to upgrade: let it.
        db.close();
      },
    });
    const store = new DatasetStore(db);
    await store.collectLeftovers();
    return store;
  }

  close(): void {
    this.db.close();
  }

  /** Complete datasets, newest first. */
  async list(): Promise<StoredDatasetMeta[]> {
    const all = await this.db.getAll('datasets');
    return all.filter((m) => m.status === 'complete').sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }

  async get(id: string): Promise<StoredDatasetMeta> {
    const meta = await this.db.get('datasets', id);
    if (!meta || meta.status !== 'complete') throw new DatasetNotFoundError(id);
    return meta;
  }

  async findByFingerprint(fingerprint: string): Promise<StoredDatasetMeta | undefined> {
    const found = await this.db.getAllFromIndex('datasets', 'byFingerprint', fingerprint);
    return found.find((m) => m.status === 'complete');
  }

  /** The dataset a file (by fingerprintSource) was imported into before, if any. Records from
   * before content fingerprints kept the file's fingerprint as their own. */
  private async findBySourceFile(fileFingerprint: string): Promise<StoredDatasetMeta | undefined> {
    return (await this.findByFingerprint(fileFingerprint)) ?? (await this.list()).find((m) => m.sourceFingerprints?.includes(fileFingerprint));
  }

  /** Removes a dataset and all its shards in one transaction. */
  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['datasets', 'shards'], 'readwrite');
    const keys = await tx.objectStore('shards').index('byDataset').getAllKeys(id);
    await Promise.all([...keys.map((k) => tx.objectStore('shards').delete(k)), tx.objectStore('datasets').delete(id)]);
    await tx.done;
  }

  private async collectLeftovers(): Promise<void> {
    const now = Date.now();
    for (const m of await this.db.getAll('datasets')) {
      if (m.status === 'importing' && now - m.updatedAt > STALE_IMPORT_MS) await this.delete(m.id);
    }
  }

  private async writeShard(meta: StoredDatasetMeta, kind: ShardKind, index: number, items: unknown[]): Promise<number> {
    const codec = this.codec;
    const { data, hash } = await encode(items, codec);
    const shard: StoredShard = { datasetId: meta.id, kind, index, count: items.length, hash, codec, data };
    meta.updatedAt = Date.now();
    meta.shards++;
    meta.bytes += data.byteLength;
    const tx = this.db.transaction(['shards', 'datasets'], 'readwrite');
    await Promise.all([tx.objectStore('shards').put(shard), tx.objectStore('datasets').put(meta), tx.done]);
    return data.byteLength;
  }

  /** Runs an import body with rollback: on any error the partial dataset is deleted. */
  private async withRollback<T>(meta: StoredDatasetMeta, body: () => Promise<T>): Promise<T> {
    try {
      await this.db.put('datasets', meta);
      return await body();
    } catch (e) {
      await this.delete(meta.id).catch(() => undefined);
      if (isQuotaError(e)) throw new StoreQuotaError(`"${meta.name}"`, { cause: e });
      throw e;
    }
  }

  /** Streams a PERSONA file (parquet/JSONL/CSV) into the store. */
  async importPersonaFile(source: ByteSource, options: StoreImportOptions = {}): Promise<StoreImportResult> {
    const fileFingerprint = await fingerprintSource(source, options.signal);
    const existing = await this.findBySourceFile(fileFingerprint);
    if (existing && !options.force) return { meta: existing, reused: true };
    const now = Date.now();
    const meta: StoredDatasetMeta = {
      id: newId('file'),
      name: options.name ?? source.name,
      source: 'persona-file',
      status: 'importing',
      // The file's until the rows are read; then the rows' content fingerprint.
      fingerprint: fileFingerprint,
      sourceFingerprints: [fileFingerprint],
      createdAt: now,
      updatedAt: now,
      rows: 0,
      personas: 0,
      questions: 0,
      shards: 0,
      bytes: 0,
    };
    const summary = await this.withRollback(meta, async () => {
      const it = readPersonaBatches(source, { ...options, batchRows: options.shardRows ?? options.batchRows ?? 2000 });
      let rowShard = 0;
      let personaShard = 0;
      let personas: PersonaRecord[] = [];
      while (true) {
        const next = await it.next();
        if (next.done) {
          if (personas.length) await this.writeShard(meta, 'personas', personaShard, personas);
          return next.value;
        }
        meta.rows += next.value.rows.length;
        await this.writeShard(meta, 'rows', rowShard++, next.value.rows);
        for (const p of next.value.personas) {
          personas.push(p);
          if (personas.length === PERSONAS_PER_SHARD) {
            await this.writeShard(meta, 'personas', personaShard++, personas);
            personas = [];
          }
        }
      }
    });
    meta.fingerprint = summary.fingerprint;
    const sameRows = await this.findByFingerprint(summary.fingerprint);
    if (sameRows && !options.force) {
      // The same rows came before from another file (or format): one dataset, which now also
      // knows this file.
      await this.delete(meta.id);
      sameRows.sourceFingerprints = [...new Set([...(sameRows.sourceFingerprints ?? []), fileFingerprint])];
      await this.db.put('datasets', sameRows);
      return { meta: sameRows, reused: true, summary };
    }
    await this.finish(meta, summary.personas, summary.questions, summary, options.force ? (sameRows ?? existing) : undefined);
    return { meta, reused: false, summary };
  }

  /** Stores a dataset already in memory (OpinionQA, or anything built in code). */
  async saveDataset(ds: Dataset, fingerprint: string, options: { force?: boolean; summary?: unknown; shardRows?: number } = {}): Promise<StoreImportResult> {
    const existing = await this.findByFingerprint(fingerprint);
    if (existing && !options.force) return { meta: existing, reused: true };
    const now = Date.now();
    const meta: StoredDatasetMeta = {
      id: newId(ds.source === 'opinionqa' ? 'oqa' : 'ds'),
      name: ds.name,
      source: ds.source,
      status: 'importing',
      fingerprint,
      createdAt: now,
      updatedAt: now,
      rows: 0,
      personas: 0,
      questions: 0,
      shards: 0,
      bytes: 0,
    };
    const size = options.shardRows ?? 2000;
    await this.withRollback(meta, async () => {
      for (let i = 0; i * size < ds.rows.length; i++) {
        const rows = ds.rows.slice(i * size, (i + 1) * size);
        meta.rows += rows.length;
        await this.writeShard(meta, 'rows', i, rows);
      }
      for (let i = 0; i * PERSONAS_PER_SHARD < ds.personas.length; i++) await this.writeShard(meta, 'personas', i, ds.personas.slice(i * PERSONAS_PER_SHARD, (i + 1) * PERSONAS_PER_SHARD));
    });
    await this.finish(meta, ds.personas.length, new Set(ds.rows.map((r) => r.questionId)).size, options.summary, options.force ? existing : undefined);
    return { meta, reused: false };
  }

  private async finish(meta: StoredDatasetMeta, personas: number, questions: number, summary: unknown, replaces?: StoredDatasetMeta): Promise<void> {
    meta.personas = personas;
    meta.questions = questions;
    meta.summary = summary;
    meta.status = 'complete';
    meta.updatedAt = Date.now();
    try {
      await this.db.put('datasets', meta);
    } catch (e) {
      await this.delete(meta.id).catch(() => undefined);
      throw isQuotaError(e) ? new StoreQuotaError(`"${meta.name}"`, { cause: e }) : e;
    }
    if (replaces) await this.delete(replaces.id);
  }

  private async readShard<T>(datasetId: string, kind: ShardKind, index: number): Promise<T[]> {
    const shard = await this.db.get('shards', [datasetId, kind, index]);
    if (!shard) throw new ShardIntegrityError(datasetId, `${kind} #${index}`, 'a stored shard', 'nothing (the shard is missing)');
    const actual = new ContentHasher().updateBytes(shard.data).hex();
    if (actual !== shard.hash) throw new ShardIntegrityError(datasetId, `${kind} #${index}`, shard.hash, actual);
    let json: Uint8Array;
    try {
      json = await decodeShard(shard.data, shard.codec ?? 'none');
    } catch (e) {
      throw new ShardIntegrityError(datasetId, `${kind} #${index}`, `valid ${shard.codec} data`, `undecodable data (${(e as Error).message})`);
    }
    return JSON.parse(new TextDecoder().decode(json)) as T[];
  }

  private async shardCount(datasetId: string, kind: ShardKind): Promise<number> {
    const range = IDBKeyRange.bound([datasetId, kind, 0], [datasetId, kind, Number.MAX_SAFE_INTEGER]);
    return this.db.count('shards', range);
  }

  /** Rows shard by shard (each shard's hash checked). */
  async *rowShards(id: string): AsyncGenerator<DataRow[]> {
    await this.get(id);
    const n = await this.shardCount(id, 'rows');
    for (let i = 0; i < n; i++) yield await this.readShard<DataRow>(id, 'rows', i);
  }

  async personas(id: string): Promise<PersonaRecord[]> {
    await this.get(id);
    const n = await this.shardCount(id, 'personas');
    const out: PersonaRecord[] = [];
    for (let i = 0; i < n; i++) out.push(...(await this.readShard<PersonaRecord>(id, 'personas', i)));
    return out;
  }

  /** The whole dataset in memory, every shard verified. */
  async load(id: string): Promise<Dataset> {
    const meta = await this.get(id);
    const rows: DataRow[] = [];
    for await (const shard of this.rowShards(id)) for (const r of shard) rows.push(r);
    if (rows.length !== meta.rows) throw new ShardIntegrityError(id, 'rows', `${meta.rows} rows`, `${rows.length} rows`);
    return { id, name: meta.name, source: meta.source, personas: await this.personas(id), rows };
  }
}
