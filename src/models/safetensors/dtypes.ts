// safetensors dtypes: their sizes (for header validation) and the exact conversions of the float
// dtypes we load (F32, F16, BF16) to f32, and back for writing. Both conversions to f32 are exact;
// f32 -> f16/bf16 rounds to nearest even, as torch does.

export const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** Dtypes readFloat32 accepts. */
export const FLOAT_DTYPES = ['F32', 'F16', 'BF16'] as const;
export type FloatDType = (typeof FLOAT_DTYPES)[number];
/** Dtypes readInt32 accepts (token ids in golden files and datasets). */
export const INT_DTYPES = ['I32', 'I64'] as const;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian raw bytes (a fresh, aligned buffer) of `dtype` to f32. */
export function toFloat32(dtype: FloatDType, bytes: Uint8Array): Float32Array {
  if (!littleEndian) throw new Error('big-endian hosts are not supported');
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  if (dtype === 'F32') return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4).slice();
  const halves = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
  const out = new Float32Array(halves.length);
  if (dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
    return out;
  }
  const table = f16Table();
  for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]];
  return out;
}

/** Little-endian I32/I64 bytes to i32; I64 values outside the i32 range are an error. */
export function toInt32(dtype: 'I32' | 'I64', bytes: Uint8Array): Int32Array {
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  if (dtype === 'I32') return new Int32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4).slice();
  const wide = new BigInt64Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 8);
  const out = new Int32Array(wide.length);
  for (let i = 0; i < wide.length; i++) {
    const v = wide[i];
    if (v > 2147483647n || v < -2147483648n) throw new RangeError(`I64 value ${v} does not fit in i32`);
    out[i] = Number(v);
  }
  return out;
}

let table16: Float32Array | null = null;

/** All 65536 f16 values as f32 (256 KiB, built once): a lookup beats bit twiddling per element. */
function f16Table(): Float32Array {
  if (table16) return table16;
  table16 = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) table16[h] = f16BitsToNumber(h);
  return table16;
}

export function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** f32 -> bf16 bits, round to nearest even (NaN stays NaN). */
export function float32ToBf16Bits(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if ((b & 0x7fffffff) > 0x7f800000) {
      out[i] = (b >>> 16) | 0x40;
      continue;
    }
    out[i] = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
  return out;
}

/** f32 -> f16 bits, round to nearest even, overflow to infinity, subnormals kept. */
export function float32ToF16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = numberToF16Bits(values[i]);
  return out;
}

function numberToF16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  // Scale into units of the smallest subnormal (2^-24) or of the exponent's ulp, then round half to even.
  if (a < 2 ** -14) return sign | roundHalfEven(a / 2 ** -24);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--; // log2 rounding near powers of two
  if (2 ** (e + 1) <= a) e++;
  const m = roundHalfEven((a / 2 ** e - 1) * 1024);
  let exp = e + 15;
  let frac = m;
  if (frac === 1024) {
    frac = 0;
    exp++;
  }
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | frac;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
