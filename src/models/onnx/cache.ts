// ONNX models into the browser's model cache (hub/cache.ts: progress, size, delete), all or
// nothing: from the hub or a URL (token optional), config and tokenizer first, the .onnx file's
// size checked against memory before it is downloaded, the whole model checked (decoder layout,
// fp32, complete) before the call returns; from picked files, checked before anything is stored.
// On any failure the group is deleted again, so the cache never lists half a model.
import type { CheckpointFiles } from '../checkpoint';
import { HttpStatusError } from '../errors';
import type { ModelCache } from '../hub/cache';
import { cachedCheckpoint } from '../hub/fetch-checkpoint';
import type { DownloadOptions } from '../hub/download';
import { fileUrl, locationKey, type CheckpointLocation } from '../hub/urls';
import { httpSource } from '../io/http-source';
import { MissingOnnxFileError, OnnxMissingFileError } from './errors';
import { checkOnnxFits, estimateOnnxMemory, parseOnnxConfig, type OnnxMemoryOptions } from './layout';
import { readText } from '../checkpoint';
import { checkOnnxFiles, ONNX_MODEL_FILES, type CheckedOnnx } from './open';

/** Cache groups of ONNX models start with this, so the loaders tell them from safetensors checkpoints. */
export const ONNX_GROUP_PREFIX = 'onnx:';

export function onnxGroup(name: string): string {
  return name.startsWith(ONNX_GROUP_PREFIX) ? name : `${ONNX_GROUP_PREFIX}${name}`;
}

export interface OnnxFetchProgress {
  file: string;
  receivedBytes: number;
  totalBytes: number | undefined;
}

export interface FetchOnnxOptions extends OnnxMemoryOptions, Pick<DownloadOptions, 'token' | 'signal' | 'fetch' | 'maxAttempts' | 'retryDelayMs'> {
  onProgress?: (p: OnnxFetchProgress) => void;
}

/** Runs `fill` into a fresh group; deletes the group if it throws. */
async function allOrNothing<T>(cache: ModelCache, group: string, fill: () => Promise<T>): Promise<T> {
  await cache.deleteGroup(group);
  try {
    return await fill();
  } catch (e) {
    await cache.deleteGroup(group);
    throw e;
  }
}

/** Downloads an ONNX model (transformers.js layout) into the cache; returns its group and checked files. */
export async function fetchOnnxModel(cache: ModelCache, loc: CheckpointLocation, o: FetchOnnxOptions = {}): Promise<{ group: string; checked: CheckedOnnx }> {
  const group = onnxGroup(locationKey(loc));
  const where = loc.kind === 'hub' ? loc.hub.repo : loc.baseUrl;
  const names: string[] = [];
  const get = async (file: string, optional = false): Promise<boolean> => {
    try {
      await cache.download(group, file, fileUrl(loc, file), { ...o, onProgress: (p) => o.onProgress?.({ file, receivedBytes: p.receivedBytes, totalBytes: p.totalBytes }) });
    } catch (e) {
      if (e instanceof HttpStatusError && e.status === 404) {
        if (optional) return false;
        throw new OnnxMissingFileError(file, where);
      }
      throw e;
    }
    names.push(file);
    return true;
  };
  return allOrNothing(cache, group, async () => {
    await get('config.json');
    const config = parseOnnxConfig(await readText((await cache.source(group, 'config.json'))!));
    await get('tokenizer.json');
    await get('tokenizer_config.json', true);
    // The model's size before its bytes: one range request, then the memory check.
    let file: string | null = null;
    for (const name of ONNX_MODEL_FILES) {
      const probe = await httpSource(fileUrl(loc, name), name, { token: o.token, fetch: o.fetch });
      if (!probe) continue;
      checkOnnxFits(estimateOnnxMemory(probe.size, config, { numLayers: config.numLayers, positionIds: true, kvHeads: config.numKvHeads, headDim: config.headDim }, o), o);
      file = name;
      break;
    }
    if (!file) throw new MissingOnnxFileError(where, []);
    await get(file);
    const checked = await checkOnnxFiles(await cachedCheckpoint(cache, group, names), o);
    return { group, checked };
  });
}

/** Stores picked (or on-disk) ONNX model files under `name`, after checking them whole. */
export async function storeOnnxFiles(cache: ModelCache, name: string, files: CheckpointFiles, o: OnnxMemoryOptions = {}): Promise<{ group: string; checked: CheckedOnnx }> {
  const checked = await checkOnnxFiles(files, o);
  const group = onnxGroup(name);
  return allOrNothing(cache, group, async () => {
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
      const s = await files.get(f);
      if (s) await cache.put(group, f, await s.read(0, s.size), `picked:${f}`);
    }
    // Stored where the hub puts it, whatever the picked name was.
    await cache.put(group, ONNX_MODEL_FILES[0], checked.bytes, `picked:${checked.file}`);
    return { group, checked };
  });
}

/** An ONNX model stored in the cache, as files the source opens. */
export async function cachedOnnxFiles(cache: ModelCache, group: string): Promise<CheckpointFiles> {
  const entry = (await cache.list()).find((g) => g.group === group);
  if (!entry) throw new OnnxMissingFileError(ONNX_MODEL_FILES[0], `the model cache (no entry ${group}: load the model in the Models panel first)`);
  return cachedCheckpoint(cache, group);
}
