// A ZIP archive of files, stored without compression (method 0): what the app's "Export to TRL"
// downloads. Small on purpose — local headers, the central directory and its end record, CRC-32 —
// since the Parquet inside is already compressed. No ZIP64: archives stay under 4 GiB and 65535 files.
export interface ZipEntry {
  path: string;
  bytes: Uint8Array;
}

export class ZipTooLargeError extends Error {
  override name = 'ZipTooLargeError';
}

let table: Uint32Array | undefined;

export function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00 in DOS time: a fixed stamp keeps the archive's bytes a function of its files. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export function zipStored(entries: readonly ZipEntry[]): Uint8Array {
  if (entries.length > 0xffff) throw new ZipTooLargeError(`${entries.length} files: a ZIP without ZIP64 holds at most 65535`);
  const enc = new TextEncoder();
  const names = entries.map((e) => enc.encode(e.path));
  const total = entries.reduce((n, e, i) => n + 30 + names[i].length + e.bytes.length + 46 + names[i].length, 22);
  if (total > 0xffffffff) throw new ZipTooLargeError(`the archive would be ${total} bytes: a ZIP without ZIP64 stays under 4 GiB (export fewer arms)`);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  const crcs = entries.map((e) => crc32(e.bytes));
  const header = (sig: number, i: number, central: boolean) => {
    const e = entries[i];
    dv.setUint32(at, sig, true);
    at += 4;
    if (central) {
      dv.setUint16(at, 20, true); // version made by
      at += 2;
    }
    dv.setUint16(at, 20, true); // version needed
    dv.setUint16(at + 2, 0x0800, true); // UTF-8 names
    dv.setUint16(at + 4, 0, true); // stored
    dv.setUint16(at + 6, DOS_TIME, true);
    dv.setUint16(at + 8, DOS_DATE, true);
    dv.setUint32(at + 10, crcs[i], true);
    dv.setUint32(at + 14, e.bytes.length, true);
    dv.setUint32(at + 18, e.bytes.length, true);
    dv.setUint16(at + 22, names[i].length, true);
    dv.setUint16(at + 24, 0, true); // extra
    at += 26;
    if (central) {
      dv.setUint16(at, 0, true); // comment
      dv.setUint16(at + 2, 0, true); // disk
      dv.setUint16(at + 4, 0, true); // internal attributes
      dv.setUint32(at + 6, 0, true); // external attributes
      dv.setUint32(at + 10, offsets[i], true);
      at += 14;
    }
    out.set(names[i], at);
    at += names[i].length;
  };
  entries.forEach((e, i) => {
    offsets.push(at);
    header(0x04034b50, i, false);
    out.set(e.bytes, at);
    at += e.bytes.length;
  });
  const dirStart = at;
  entries.forEach((_, i) => header(0x02014b50, i, true));
  dv.setUint32(at, 0x06054b50, true);
  dv.setUint16(at + 8, entries.length, true);
  dv.setUint16(at + 10, entries.length, true);
  dv.setUint32(at + 12, at - dirStart, true);
  dv.setUint32(at + 16, dirStart, true);
  at += 22;
  if (at !== total) throw new Error(`zip: wrote ${at} of ${total} bytes`);
  return out;
}
