// The safetensors header: an 8-byte little-endian length N, N bytes of JSON naming every tensor's
// dtype, shape and [begin, end) byte offsets relative to the data that follows. Validated in full
// before any tensor is read, so a lying header or a short file is refused by name up front.
import { InvalidHeaderError, TensorOffsetError, TruncatedFileError } from '../errors';
import { DTYPE_BYTES } from './dtypes';

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte offsets relative to the start of the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
  /** Absolute byte offset of the data section (8 + N). */
  dataStart: number;
  /** Bytes the data section needs (the largest end offset). */
  dataBytes: number;
}

/** The reference implementation refuses headers above 100 MB; so do we (a garbage length). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Reads N from the first 8 bytes; refuses files too short to hold it and absurd lengths. */
export function headerLength(file: string, prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || prefix.byteLength < 8) throw new TruncatedFileError(file, 8, fileSize);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new InvalidHeaderError(file, `the header length field says ${n} bytes (not a safetensors file, or corrupt)`);
  }
  const len = Number(n);
  if (len < 2) throw new InvalidHeaderError(file, `the header length field says ${len} bytes`);
  if (8 + len > fileSize) throw new TruncatedFileError(file, 8 + len, fileSize);
  return len;
}

/**
 * Parses and validates the JSON header. `fileSize` is the whole file's size: every tensor must
 * lie inside it (else TruncatedFileError), and tensors must not overlap (else TensorOffsetError).
 */
export function parseHeader(file: string, json: Uint8Array, fileSize: number): SafetensorsHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    throw new InvalidHeaderError(file, `the header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidHeaderError(file, 'the header is not a JSON object');

  const dataStart = 8 + json.byteLength;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = readMetadata(file, entry);
      continue;
    }
    tensors.set(name, readEntry(file, name, entry));
  }

  // Overlaps: sort by begin and compare neighbours (zero-size tensors overlap nothing).
  const sorted = [...tensors.values()].filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur.begin < prev.end) {
      throw new TensorOffsetError(file, cur.name, `[${cur.begin}, ${cur.end}) overlaps '${prev.name}' at [${prev.begin}, ${prev.end})`);
    }
  }
  const dataBytes = sorted.length > 0 ? sorted[sorted.length - 1].end : 0;
  if (dataStart + dataBytes > fileSize) throw new TruncatedFileError(file, dataStart + dataBytes, fileSize);
  return { tensors, metadata, dataStart, dataBytes };
}

function readEntry(file: string, name: string, entry: unknown): TensorInfo {
  if (entry === null || typeof entry !== 'object') throw new InvalidHeaderError(file, `entry '${name}' is not an object`);
  const e = entry as Record<string, unknown>;
  const dtype = e.dtype;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
    throw new InvalidHeaderError(file, `tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
  }
  const shape = e.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new InvalidHeaderError(file, `tensor '${name}' has shape ${JSON.stringify(shape)}; expected a list of non-negative integers`);
  }
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new TensorOffsetError(file, name, `${JSON.stringify(offsets)} is not a pair of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new TensorOffsetError(file, name, `end ${end} is before begin ${begin}`);
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  const expected = numel * DTYPE_BYTES[dtype];
  if (end - begin !== expected) {
    throw new TensorOffsetError(
      file,
      name,
      `[${begin}, ${end}) spans ${end - begin} bytes but ${dtype} [${(shape as number[]).join(', ')}] needs ${expected}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

function readMetadata(file: string, entry: unknown): Record<string, string> {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new InvalidHeaderError(file, '__metadata__ is not an object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new InvalidHeaderError(file, `__metadata__.${k} is not a string`);
    out[k] = v;
  }
  return out;
}
