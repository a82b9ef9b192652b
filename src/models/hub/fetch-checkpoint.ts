// Fetches a checkpoint from the hub or a URL into the model cache, file by file, config first: an
// unsupported architecture or a model too large for the adapter (the caller's `beforeWeights`
// check) is refused before the weights are downloaded. Returns the cached files as
// CheckpointFiles, which the loader reads exactly like picked files.
import type { CheckpointFiles } from '../checkpoint';
import { readText } from '../checkpoint';
import { parseModelConfig, type ModelConfig } from '../config';
import { HttpStatusError } from '../errors';
import { INDEX_FILE, parseShardIndex } from '../safetensors/sharded';
import type { ModelCache } from './cache';
import type { DownloadOptions, DownloadProgress } from './download';
import { fileUrl, locationKey, type CheckpointLocation } from './urls';

export interface CheckpointProgress extends DownloadProgress {
  file: string;
  /** Files finished so far and the number known to be needed (grows once the index is read). */
  filesDone: number;
  filesKnown: number;
}

export interface FetchCheckpointOptions extends Omit<DownloadOptions, 'onProgress'> {
  onProgress?: (p: CheckpointProgress) => void;
  /** Called with the parsed config before any weights are fetched; throw to stop (e.g. checkFits). */
  beforeWeights?: (config: ModelConfig) => void | Promise<void>;
}

export async function fetchCheckpoint(cache: ModelCache, loc: CheckpointLocation, o: FetchCheckpointOptions = {}): Promise<CheckpointFiles> {
  const group = locationKey(loc);
  const names: string[] = [];
  let filesKnown = 4;
  const get = async (file: string, optional = false): Promise<boolean> => {
    try {
      await cache.download(group, file, fileUrl(loc, file), {
        ...o,
        onProgress: (p) => o.onProgress?.({ ...p, file, filesDone: names.length, filesKnown }),
      });
    } catch (e) {
      if (optional && e instanceof HttpStatusError && e.status === 404) return false;
      throw e;
    }
    names.push(file);
    return true;
  };

  await get('config.json');
  const config = parseModelConfig(await readText((await cache.source(group, 'config.json'))!));
  await o.beforeWeights?.(config);
  await get('tokenizer.json');
  await get('tokenizer_config.json', true);
  if (!(await get('model.safetensors', true))) {
    await get(INDEX_FILE);
    const index = parseShardIndex(await readText((await cache.source(group, INDEX_FILE))!));
    filesKnown = names.length + index.shards.length;
    for (const shard of index.shards) await get(shard);
  }
  return cachedCheckpoint(cache, group, names);
}

/** Files of a cached checkpoint (offline use); `names` defaults to every cached file of the group. */
export async function cachedCheckpoint(cache: ModelCache, group: string, names?: string[]): Promise<CheckpointFiles> {
  const list = names ?? (await cache.list()).find((g) => g.group === group)?.files.map((f) => f.file) ?? [];
  return {
    where: `the model cache (${group})`,
    names: () => [...list],
    get: (name) => (list.includes(name) ? cache.source(group, name) : Promise.resolve(undefined)),
  };
}
