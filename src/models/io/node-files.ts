// Node only (the CLI and tests): a checkpoint folder on disk as CheckpointFiles, read lazily
// through file handles. Never imported by code that runs in the browser.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointFiles } from '../checkpoint';
import { checkRange, readChunks, type ByteSource } from '../../util/byte-source';

export async function fileSource(path: string, name = path.split('/').pop() ?? path): Promise<ByteSource> {
  const { size } = await stat(path);
  const source: ByteSource = {
    name,
    size,
    async read(start, end) {
      checkRange(name, start, end, size);
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
    chunks: (signal) => readChunks(source, signal),
  };
  return source;
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
