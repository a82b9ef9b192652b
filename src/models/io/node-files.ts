// Node only (the CLI and tests): a checkpoint folder on disk as CheckpointFiles, read lazily
// through file handles. Never imported by code that runs in the browser.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointFiles } from '../checkpoint';
import type { ByteSource } from './byte-source';

export async function fileSource(path: string, name = path.split('/').pop() ?? path): Promise<ByteSource> {
  const { size } = await stat(path);
  return {
    name,
    size,
    async read(start, end) {
      if (!(start >= 0 && end >= start && end <= size)) throw new RangeError(`${name}: read of bytes [${start}, ${end}) is outside the file (${size} bytes)`);
      const fh = await open(path, 'r');
      try {
        const out = new Uint8Array(end - start);
        let done = 0;
        while (done < out.length) {
          const { bytesRead } = await fh.read(out, done, out.length - done, start + done);
          if (bytesRead === 0) throw new RangeError(`${name}: file ended at byte ${start + done} (it changed while being read)`);
          done += bytesRead;
        }
        return out;
      } finally {
        await fh.close();
      }
    },
  };
}

export async function folderFiles(dir: string): Promise<CheckpointFiles> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isFile()).map((e) => e.name);
  return {
    where: dir,
    names: () => [...names],
    get: async (name) => (names.includes(name) ? fileSource(join(dir, name), name) : undefined),
  };
}
