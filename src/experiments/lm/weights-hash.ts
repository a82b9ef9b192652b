// A short content hash of a checkpoint's weight files, so a run record names exactly which model
// it read (the built-in model is retrained from time to time).
import { ContentHasher } from '../../data';
import type { CheckpointFiles } from '../../models/checkpoint';

const SLICE = 1 << 20;

export async function weightsHash(files: CheckpointFiles): Promise<string> {
  const h = new ContentHasher();
  for (const name of files.names().filter((n) => n.endsWith('.safetensors')).sort()) {
    const src = await files.get(name);
    if (!src) continue;
    for (let at = 0; at < src.size; at += SLICE) h.updateBytes(await src.read(at, Math.min(src.size, at + SLICE)));
  }
  return h.hex().slice(0, 12);
}
