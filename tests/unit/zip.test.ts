// The stored ZIP writer, read back by Python's zipfile (an independent reader that checks every
// CRC) when python3 is present, and its CRC-32 against the standard check value.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, zipStored } from '../../src/util/zip';

describe('zipStored', () => {
  it('CRC-32 of "123456789" is the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes an archive python zipfile reads back with every byte and CRC intact', () => {
    const big = new Uint8Array(70000).map((_, i) => (i * 31) & 0xff);
    const entries = [
      { path: 'README.md', bytes: new TextEncoder().encode('# hello\n') },
      { path: 'data/arm/train.parquet', bytes: big },
      { path: 'data/ümlaut.txt', bytes: new Uint8Array(0) },
    ];
    const zip = zipStored(entries);
    expect(zipStored(entries)).toEqual(zip);
    if (spawnSync('python3', ['--version']).error) {
      console.log('skipped the zipfile read-back: python3 is not on PATH');
      return;
    }
    const file = join(mkdtempSync(join(tmpdir(), 'zip-')), 'a.zip');
    writeFileSync(file, zip);
    const py = 'import sys, zipfile, json, hashlib\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps([[i.filename, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]))';
    const got = JSON.parse(execFileSync('python3', ['-c', py, file], { encoding: 'utf8' }));
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(got).toEqual(entries.map((e) => [e.path, sha(e.bytes)]));
  });
});
