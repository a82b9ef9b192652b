// Writes safetensors bytes: LoRA adapters and heads are saved this way, and tests build checkpoints
// (sharded ones included) with it. Tensors are laid out in the order given, the header padded with
// spaces to a multiple of 8 as the reference implementation does.
import { float32ToBf16Bits, float32ToF16Bits } from './dtypes';

export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  /** f32 values, stored as `dtype` (default F32); Int32Array values are stored as I32 or I64. */
  data: Float32Array | Int32Array;
  dtype?: 'F32' | 'F16' | 'BF16' | 'I32' | 'I64';
}

export function writeSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): Uint8Array {
  const encoded = tensors.map((t) => {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) throw new RangeError(`tensor '${t.name}': shape [${t.shape.join(', ')}] holds ${numel} values, data has ${t.data.length}`);
    return { t, dtype: t.dtype ?? (t.data instanceof Int32Array ? 'I32' : 'F32'), bytes: encode(t) };
  });
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const { t, dtype, bytes } of encoded) {
    header[t.name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] };
    offset += bytes.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let at = 8 + json.byteLength;
  for (const { bytes } of encoded) {
    out.set(bytes, at);
    at += bytes.byteLength;
  }
  return out;
}

function encode(t: TensorToWrite): Uint8Array {
  const dtype = t.dtype ?? (t.data instanceof Int32Array ? 'I32' : 'F32');
  if (t.data instanceof Int32Array) {
    if (dtype === 'I32') return new Uint8Array(t.data.slice().buffer);
    if (dtype === 'I64') return new Uint8Array(BigInt64Array.from(t.data, (v) => BigInt(v)).buffer);
    throw new TypeError(`tensor '${t.name}': integer data cannot be stored as ${dtype}`);
  }
  if (dtype === 'F32') return new Uint8Array(t.data.slice().buffer);
  if (dtype === 'BF16') return new Uint8Array(float32ToBf16Bits(t.data).buffer);
  if (dtype === 'F16') return new Uint8Array(float32ToF16Bits(t.data).buffer);
  throw new TypeError(`tensor '${t.name}': float data cannot be stored as ${dtype}`);
}
