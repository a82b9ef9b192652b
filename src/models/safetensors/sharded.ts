// Sharded checkpoints: model.safetensors.index.json maps each tensor to the shard file holding it.
// Every shard's header is read and checked against the index before any weight is loaded, so a
// missing shard or an index that names tensors a shard lacks is refused up front.
import { MissingTensorError, ShardIndexError } from '../errors';
import type { ByteSource } from '../../util/byte-source';
import { SafetensorsFile, type StoredTensor, type TensorStore } from './file';

export const INDEX_FILE = 'model.safetensors.index.json';

export interface ShardIndex {
  weightMap: Map<string, string>;
  /** Shard file names in first-seen order. */
  shards: string[];
  totalSize: number | null;
}

export function parseShardIndex(text: string): ShardIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ShardIndexError(`not JSON (${(e as Error).message})`);
  }
  const map = (raw as { weight_map?: unknown } | null)?.weight_map;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw new ShardIndexError("no 'weight_map' object");
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  for (const [tensor, file] of Object.entries(map as Record<string, unknown>)) {
    if (typeof file !== 'string' || file.length === 0 || file.includes('/') || file.includes('\\')) {
      throw new ShardIndexError(`weight_map['${tensor}'] = ${JSON.stringify(file)} is not a shard file name`);
    }
    weightMap.set(tensor, file);
    if (!shards.includes(file)) shards.push(file);
  }
  if (weightMap.size === 0) throw new ShardIndexError('weight_map is empty');
  const total = (raw as { metadata?: { total_size?: unknown } }).metadata?.total_size;
  return { weightMap, shards, totalSize: typeof total === 'number' ? total : null };
}

export class ShardedSafetensors implements TensorStore {
  private constructor(
    readonly index: ShardIndex,
    private readonly files: Map<string, SafetensorsFile>,
  ) {}

  /** Opens every shard the index names through `openShard` (undefined: the shard is missing). */
  static async open(indexText: string, openShard: (file: string) => Promise<ByteSource | undefined>): Promise<ShardedSafetensors> {
    const index = parseShardIndex(indexText);
    const files = new Map<string, SafetensorsFile>();
    for (const shard of index.shards) {
      const source = await openShard(shard);
      if (!source) throw new ShardIndexError(`names shard '${shard}', which is not among the files given`);
      files.set(shard, await SafetensorsFile.open(source));
    }
    for (const [tensor, shard] of index.weightMap) {
      if (!files.get(shard)!.info(tensor)) throw new ShardIndexError(`says '${tensor}' is in '${shard}', but that shard does not hold it`);
    }
    return new ShardedSafetensors(index, files);
  }

  get storedBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.storedBytes;
    return n;
  }

  names(): string[] {
    return [...this.index.weightMap.keys()];
  }

  info(name: string): StoredTensor | undefined {
    const shard = this.index.weightMap.get(name);
    return shard === undefined ? undefined : this.files.get(shard)!.info(name);
  }

  readFloat32(name: string): Promise<Float32Array> {
    return this.fileOf(name).readFloat32(name);
  }

  readInt32(name: string): Promise<Int32Array> {
    return this.fileOf(name).readInt32(name);
  }

  private fileOf(name: string): SafetensorsFile {
    const shard = this.index.weightMap.get(name);
    if (shard === undefined) throw new MissingTensorError(name, `is not in ${INDEX_FILE}`);
    return this.files.get(shard)!;
  }
}
