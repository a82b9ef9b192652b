// A checkpoint held in memory as named bytes or text (a freshly trained model, files fetched
// whole, tests), opened like any other CheckpointFiles.
import type { CheckpointFiles } from '../checkpoint';
import { bytesSource } from '../../util/byte-source';

export function memoryFiles(files: Readonly<Record<string, Uint8Array | string>>, where = 'memory'): CheckpointFiles {
  const encoder = new TextEncoder();
  return {
    where,
    names: () => Object.keys(files),
    get: async (name) => {
      if (!Object.hasOwn(files, name)) return undefined;
      const v = files[name];
      return bytesSource(typeof v === 'string' ? encoder.encode(v) : v, name);
    },
  };
}
