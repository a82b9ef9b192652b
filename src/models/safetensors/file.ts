// One safetensors file opened over a ByteSource: the validated header up front, then tensors read
// one at a time and converted to f32 (weights) or i32 (ids). TensorStore is what the model loader
// sees; a single file and a sharded set (./sharded.ts) both implement it.
import { UnsupportedDtypeError, MissingTensorError } from '../errors';
import type { ByteSource } from '../../util/byte-source';
import { FLOAT_DTYPES, INT_DTYPES, toFloat32, toInt32, type FloatDType } from './dtypes';
import { headerLength, parseHeader, type SafetensorsHeader, type TensorInfo } from './header';

export interface StoredTensor extends TensorInfo {
  /** The file holding it (the shard name for sharded checkpoints). */
  file: string;
}

export interface TensorStore {
  names(): string[];
  /** undefined when the tensor is absent. */
  info(name: string): StoredTensor | undefined;
  /** The tensor as f32 (from F32, F16 or BF16). Throws MissingTensorError / UnsupportedDtypeError. */
  readFloat32(name: string): Promise<Float32Array>;
  /** The tensor as i32 (from I32 or I64). */
  readInt32(name: string): Promise<Int32Array>;
  /** Bytes of all tensor data, as stored. */
  readonly storedBytes: number;
}

export class SafetensorsFile implements TensorStore {
  private constructor(
    readonly source: ByteSource,
    readonly header: SafetensorsHeader,
  ) {}

  /** Reads and validates the header (two small reads). */
  static async open(source: ByteSource): Promise<SafetensorsFile> {
    const prefix = source.size >= 8 ? await source.read(0, 8) : new Uint8Array(0);
    const n = headerLength(source.name, prefix, source.size);
    const json = await source.read(8, 8 + n);
    return new SafetensorsFile(source, parseHeader(source.name, json, source.size));
  }

  get storedBytes(): number {
    return this.header.dataBytes;
  }

  get metadata(): Record<string, string> {
    return this.header.metadata;
  }

  names(): string[] {
    return [...this.header.tensors.keys()];
  }

  info(name: string): StoredTensor | undefined {
    const t = this.header.tensors.get(name);
    return t && { ...t, file: this.source.name };
  }

  /** The tensor's stored bytes. */
  async readRaw(name: string): Promise<{ info: StoredTensor; bytes: Uint8Array }> {
    const info = this.info(name);
    if (!info) throw new MissingTensorError(name, `is not in ${this.source.name}`);
    const start = this.header.dataStart + info.begin;
    return { info, bytes: await this.source.read(start, start + (info.end - info.begin)) };
  }

  async readFloat32(name: string): Promise<Float32Array> {
    const { info, bytes } = await this.readRaw(name);
    if (!(FLOAT_DTYPES as readonly string[]).includes(info.dtype)) {
      throw new UnsupportedDtypeError(info.file, name, info.dtype, FLOAT_DTYPES);
    }
    return toFloat32(info.dtype as FloatDType, bytes);
  }

  async readInt32(name: string): Promise<Int32Array> {
    const { info, bytes } = await this.readRaw(name);
    if (info.dtype !== 'I32' && info.dtype !== 'I64') throw new UnsupportedDtypeError(info.file, name, info.dtype, INT_DTYPES);
    return toInt32(info.dtype, bytes);
  }
}
