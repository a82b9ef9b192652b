// An imported TRL run's files (./trl-output.ts) into the browser's model cache as one group, all or
// nothing: the group must be new, and if storing any file fails the files already stored are
// deleted again, so the cache never lists half an import.
import type { ModelCache } from '../hub/cache';
import { TrlImportError, type ImportedFile } from './trl-output';

export async function storeImported(cache: ModelCache, group: string, files: readonly ImportedFile[]): Promise<void> {
  if ((await cache.list()).some((g) => g.group === group)) throw new TrlImportError(`the model cache already holds ${group}: delete it first (Models panel), or rename the folder`);
  try {
    for (const f of files) await cache.put(group, f.name, f.bytes, `import:${group}/${f.name}`);
  } catch (e) {
    await cache.deleteGroup(group);
    throw e;
  }
}
