// One ByteSource for data imports and model weights: memory and Blob sources read the same bytes,
// reads are fresh arrays (parquet hands their buffer on), chunks cover the file exactly, a read
// outside the file names it, and an aborted read throws the error its owner chose.
import { describe, expect, it } from 'vitest';
import { blobSource, bytesSource, CHUNK_BYTES, readChunks, type ByteSource } from '../../src/util/byte-source';
import { Rng } from '../../src/util/rng';

const size = 2 * CHUNK_BYTES + 12345; // not a multiple of the chunk size
const bytes = new Uint8Array(size);
const rng = new Rng(7);
for (let i = 0; i < size; i++) bytes[i] = Math.floor(rng.next() * 256);

/** Byte equality without vitest's element-by-element deep compare (megabytes). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function all(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

describe('ByteSource', () => {
  const sources: [string, ByteSource][] = [
    ['memory', bytesSource(bytes, 'm.bin')],
    ['blob', blobSource(new Blob([bytes]), 'b.bin')],
  ];
  for (const [kind, src] of sources) {
    it(`${kind}: reads are fresh copies of the range; chunks and reads-as-chunks cover the file`, async () => {
      for (const [s, e] of [[0, 0], [0, 10], [CHUNK_BYTES - 3, CHUNK_BYTES + 5], [size - 7, size]]) {
        const r = await src.read(s, e);
        expect(r.byteOffset).toBe(0);
        expect(r.buffer.byteLength).toBe(e - s);
        expect(same(r, bytes.subarray(s, e))).toBe(true);
      }
      expect(same(await all(src.chunks()), bytes)).toBe(true);
      expect(same(await all(readChunks(src)), bytes)).toBe(true);
    });

    it(`${kind}: a read outside the file is a RangeError naming it`, async () => {
      await expect(src.read(size - 1, size + 1)).rejects.toThrow(new RegExp(`${src.name}: read of bytes \\[${size - 1}, ${size + 1}\\) is outside the file`));
      await expect(src.read(5, 4)).rejects.toBeInstanceOf(RangeError);
    });
  }

  it('an aborted read throws the owner’s error (the importer’s cancel), else the signal’s reason', async () => {
    class Cancelled extends Error {}
    const ac = new AbortController();
    ac.abort();
    const own = bytesSource(bytes, 'x', { cancelled: (name) => new Cancelled(name) });
    await expect(own.read(0, 1, ac.signal)).rejects.toBeInstanceOf(Cancelled);
    await expect(own.chunks(ac.signal)[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(Cancelled);
    await expect(blobSource(new Blob([bytes]), 'y').read(0, 1, ac.signal)).rejects.toBe(ac.signal.reason);
  });
});
