// The IndexedDB dataset cache, in Node on fake-indexeddb: shards with hashes, list with sizes,
// delete, re-import recognition, and rollback of failed, cancelled and quota-exceeded imports.
import 'fake-indexeddb/auto';
import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { personaCsvText, personaJsonlText, personaParquetBytes, syntheticPersonaRows } from '../../../src/cli/commands/data-fixtures';
import {
  DataFormatError,
  DatasetNotFoundError,
  DatasetStore,
  ImportCancelledError,
  ShardIntegrityError,
  StoreQuotaError,
  bytesSource,
  readOpinionQa,
  readPersonaDataset,
  type ByteSource,
} from '../../../src/data';

const enc = new TextEncoder();
let dbCounter = 0;
const opened: DatasetStore[] = [];
async function freshStore(name = `test-db-${++dbCounter}`): Promise<DatasetStore> {
  const s = await DatasetStore.open(name);
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

const rows = [...syntheticPersonaRows(2500, 5)];
const jsonl = (n = rows.length) => bytesSource(enc.encode(personaJsonlText(rows.slice(0, n))), `rows-${n}.jsonl`);

async function shardCount(name: string): Promise<number> {
  const db = await openDB(name);
  const n = await db.count('shards');
  db.close();
  return n;
}

describe('DatasetStore', () => {
  it('imports into shards, lists with sizes, loads back identical rows, deletes', async () => {
    const store = await freshStore('db-basic');
    const progress: number[] = [];
    const res = await store.importPersonaFile(jsonl(), { shardRows: 1000, onProgress: (p) => progress.push(p.rows) });
    expect(res.reused).toBe(false);
    expect(res.meta.rows).toBe(2500);
    expect(res.meta.shards).toBe(4); // 3 row shards + 1 persona shard
    expect(res.meta.bytes).toBeGreaterThan(1000);
    expect(progress.at(-1)).toBe(2500);
    const list = await store.list();
    expect(list.map((m) => [m.id, m.rows, m.bytes])).toEqual([[res.meta.id, 2500, res.meta.bytes]]);

    const loaded = await store.load(res.meta.id);
    const direct = (await readPersonaDataset(jsonl())).dataset;
    expect(loaded.rows).toEqual(direct.rows);
    expect(loaded.personas).toEqual(direct.personas);
    expect(loaded.source).toBe('persona-file');

    await store.delete(res.meta.id);
    expect(await store.list()).toEqual([]);
    expect(await shardCount('db-basic')).toBe(0);
    await expect(store.load(res.meta.id)).rejects.toBeInstanceOf(DatasetNotFoundError);
  });

  it('stores parquet and OpinionQA datasets too', async () => {
    const store = await freshStore();
    const pq = await store.importPersonaFile(bytesSource(personaParquetBytes(rows.slice(0, 300), 100), 'x.parquet'));
    expect(pq.meta.rows).toBe(300);
    const { dataset, summary } = await readOpinionQa([
      { path: 'W/info.csv', text: async () => ",key,question,references\n0,Q1,Which?,\"['a', 'b', 'Refused']\"\n" },
      { path: 'W/AGE_data.json', text: async () => JSON.stringify({ Q1: { MC_options: ['a', 'b', 'Refused'], question_text: 'Which?', young: { a: 3, b: 1 }, old: { a: 1, b: 5 } } }) },
    ]);
    const oqa = await store.saveDataset(dataset, 'fp-oqa', { summary });
    const back = await store.load(oqa.meta.id);
    expect(back.rows).toEqual(dataset.rows);
    expect(back.source).toBe('opinionqa');
    expect((await store.list()).length).toBe(2);
  });

  it('recognises a re-import of the same file; force replaces it', async () => {
    const store = await freshStore();
    const first = await store.importPersonaFile(jsonl(300));
    const again = await store.importPersonaFile(jsonl(300));
    expect(again.reused).toBe(true);
    expect(again.meta.id).toBe(first.meta.id);
    const other = await store.importPersonaFile(jsonl(301));
    expect(other.reused).toBe(false);
    const forced = await store.importPersonaFile(jsonl(300), { force: true });
    expect(forced.reused).toBe(false);
    const ids = (await store.list()).map((m) => m.id);
    expect(ids).toHaveLength(2);
    expect(ids).toContain(forced.meta.id);
    expect(ids).not.toContain(first.meta.id);
  });

  it('the same rows as JSONL, CSV and Parquet are one dataset with one fingerprint; a changed row is another', async () => {
    const eleven = rows.slice(0, 11);
    const files = [
      bytesSource(enc.encode(personaJsonlText(eleven)), 'persona.jsonl'),
      // CSV writers end lines (and lines inside quoted fields) with CRLF: still the same rows.
      bytesSource(enc.encode(personaCsvText(eleven).replace(/\n/g, '\r\n')), 'persona.csv'),
      bytesSource(personaParquetBytes(eleven, 4), 'persona.parquet'),
    ];
    const read = await Promise.all(files.map((f) => readPersonaDataset(f)));
    expect(new Set(read.map((r) => r.summary.format))).toEqual(new Set(['jsonl', 'csv', 'parquet']));
    expect(new Set(read.map((r) => r.summary.fingerprint)).size).toBe(1);
    expect(new Set(read.map((r) => r.dataset.id)).size).toBe(1);
    expect(read[0].summary.fingerprint).toMatch(/^rows-[0-9a-f]{16}$/);

    const store = await freshStore();
    const [a, b, c] = [await store.importPersonaFile(files[0]), await store.importPersonaFile(files[1]), await store.importPersonaFile(files[2])];
    expect([a.reused, b.reused, c.reused]).toEqual([false, true, true]);
    expect(new Set([a.meta.id, b.meta.id, c.meta.id]).size).toBe(1);
    expect((await store.list()).map((m) => m.fingerprint)).toEqual([read[0].summary.fingerprint]);
    // The CSV file itself is known now: importing it again does not read it.
    expect((await store.importPersonaFile(files[1])).reused).toBe(true);

    // One response changed: another dataset, another fingerprint; the file name does not matter.
    const changed = eleven.map((r, i) => (i === 5 ? { ...r, data: `${r.data} (edited)` } : r));
    const other = await store.importPersonaFile(bytesSource(enc.encode(personaJsonlText(changed)), 'persona.jsonl'));
    expect(other.reused).toBe(false);
    expect(other.meta.fingerprint).not.toBe(a.meta.fingerprint);
    expect((await store.list()).length).toBe(2);
  });

  it('a failed import leaves no partial dataset and earlier datasets intact', async () => {
    const store = await freshStore('db-fail');
    const good = await store.importPersonaFile(jsonl(500), { shardRows: 200 });
    const shardsBefore = await shardCount('db-fail');
    // Row 2,300 is broken: two full shards are written before the error.
    const text = personaJsonlText(rows).split('\n');
    text[2299] = text[2299].replace('"instruction":', '"instruction":7,"x":');
    await expect(store.importPersonaFile(bytesSource(enc.encode(text.join('\n')), 'broken.jsonl'), { shardRows: 1000 })).rejects.toSatisfy(
      (e) => e instanceof DataFormatError && e.row === 2300 && e.field === 'instruction',
    );
    expect((await store.list()).map((m) => m.id)).toEqual([good.meta.id]);
    expect(await shardCount('db-fail')).toBe(shardsBefore);
    expect((await store.load(good.meta.id)).rows.length).toBe(500);
  });

  it('a quota-exceeded write is rolled back with an actionable error', async () => {
    const store = await freshStore('db-quota');
    const good = await store.importPersonaFile(jsonl(400), { shardRows: 200 });
    const shardsBefore = await shardCount('db-quota');
    const realPut = FakeObjectStore.prototype.put;
    let puts = 0;
    FakeObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'shards' && ++puts === 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realPut.apply(this, args);
    } as typeof realPut;
    try {
      const err = await store.importPersonaFile(jsonl(2000), { shardRows: 500 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreQuotaError);
      expect((err as Error).message).toMatch(/rolled back.*earlier datasets are intact.*Delete datasets/s);
    } finally {
      FakeObjectStore.prototype.put = realPut;
    }
    expect((await store.list()).map((m) => m.id)).toEqual([good.meta.id]);
    expect(await shardCount('db-quota')).toBe(shardsBefore);
  });

  it('a cancelled import stores nothing', async () => {
    const store = await freshStore();
    const ac = new AbortController();
    const err = await store
      .importPersonaFile(jsonl(), { shardRows: 500, signal: ac.signal, onProgress: (p) => p.rows >= 600 && ac.abort() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportCancelledError);
    expect(await store.list()).toEqual([]);
  });

  it('detects a corrupted shard on read', async () => {
    const name = 'db-corrupt';
    const store = await freshStore(name);
    const { meta } = await store.importPersonaFile(jsonl(300), { shardRows: 100 });
    const db = await openDB(name);
    const shard = await db.get('shards', [meta.id, 'rows', 1]);
    shard.data[10] ^= 0xff;
    await db.put('shards', shard);
    db.close();
    await expect(store.load(meta.id)).rejects.toBeInstanceOf(ShardIntegrityError);
    await expect(store.load(meta.id)).rejects.toThrow(/shard rows #1 is corrupted.*import it again/);
  });

  it('collects an import interrupted by a reload, and survives reopening', async () => {
    const name = 'db-reload';
    const first = await freshStore(name);
    const kept = await first.importPersonaFile(jsonl(200));
    first.close();
    // Simulate a tab closed mid-import 10 minutes ago.
    const db = await openDB(name);
    await db.put('datasets', { ...kept.meta, id: 'half', status: 'importing', fingerprint: 'x', updatedAt: Date.now() - 600_000 });
    await db.put('shards', { datasetId: 'half', kind: 'rows', index: 0, count: 0, hash: '', codec: 'none', data: new Uint8Array() });
    db.close();
    const second = await freshStore(name);
    expect((await second.list()).map((m) => m.id)).toEqual([kept.meta.id]);
    expect(await shardCount(name)).toBe(kept.meta.shards);
    expect((await second.load(kept.meta.id)).rows.length).toBe(200);
  });

  it('compresses shards when the platform can', async () => {
    const store = await freshStore();
    const { meta } = await store.importPersonaFile(jsonl(1000));
    const raw = enc.encode(personaJsonlText(rows.slice(0, 1000))).length;
    expect(store.codec).toBe('gzip');
    expect(meta.bytes).toBeLessThan(raw / 3);
  });
});

describe('byte sources', () => {
  it('an aborted signal stops chunked reading', async () => {
    const src: ByteSource = bytesSource(new Uint8Array(3 << 20), 'big.bin');
    const ac = new AbortController();
    ac.abort();
    const it = src.chunks(ac.signal)[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toBeInstanceOf(ImportCancelledError);
  });
});
