// Protocol Buffers wire format, just enough for ONNX files: a writer (the benchmark's one-node
// models, the ONNX decoder fixture) and a reader that walks a message's fields without a schema
// (the ONNX model source inspects a graph's inputs, outputs and weight types before loading it).
// Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private length = 0;

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.pending = [];
  }

  private varint(v: number): void {
    // Non-negative values below 2^53: 7 bits per byte, low first.
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`protobuf varint out of range: ${v}`);
    while (v >= 0x80) {
      this.pending.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
      this.length++;
    }
    this.pending.push(v);
    this.length++;
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** A varint field; negative int64 values as protobuf writes them (ten bytes, two's complement). */
  int(field: number, v: number): this {
    this.key(field, 0);
    if (v >= 0) {
      this.varint(v);
      return this;
    }
    let x = BigInt.asUintN(64, BigInt(v));
    for (let i = 0; i < 10; i++) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      this.pending.push(x > 0n ? b | 0x80 : b);
      this.length++;
      if (x === 0n) break;
    }
    return this;
  }

  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    for (const x of b) this.pending.push(x);
    this.length += 4;
    return this;
  }

  raw(field: number, data: Uint8Array | number[]): this {
    this.key(field, 2);
    this.varint(data.length);
    if (data instanceof Uint8Array && data.length > 256) {
      this.flush();
      this.chunks.push(data);
    } else {
      for (const b of data) this.pending.push(b);
    }
    this.length += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.raw(field, m.finish());
  }

  finish(): Uint8Array<ArrayBuffer> {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** The bytes end inside a field, or a field's length points past them: a cut-off or corrupt file. */
export class ProtoTruncatedError extends Error {
  override name = 'ProtoTruncatedError';
  constructor(
    readonly offset: number,
    readonly end: number,
    what: string,
  ) {
    super(`${what} at byte ${offset} runs past the end of the data (byte ${end})`);
  }
}

export interface ProtoField {
  field: number;
  wireType: number;
  /** Varint value (wire type 0; exact below 2^53, negative int64 as a negative number). */
  value: number;
  /** Start and end of the payload in the reader's bytes (wire types 1, 2, 5). */
  start: number;
  end: number;
}

/** Reads the fields of one message (bytes[start, end)), in order, without a schema. */
export class ProtoReader {
  constructor(
    readonly bytes: Uint8Array,
    readonly start = 0,
    readonly end = bytes.length,
  ) {}

  *fields(): Generator<ProtoField> {
    let at = this.start;
    while (at < this.end) {
      const [key, afterKey] = this.readVarint(at, 'a field key');
      const field = Math.floor(key / 8);
      const wireType = key % 8;
      at = afterKey;
      if (wireType === 0) {
        const [value, next] = this.readVarint(at, `field ${field}`);
        yield { field, wireType, value, start: at, end: next };
        at = next;
      } else if (wireType === 2) {
        const [len, next] = this.readVarint(at, `the length of field ${field}`);
        if (next + len > this.end) throw new ProtoTruncatedError(at, this.end, `field ${field} (${len} bytes)`);
        yield { field, wireType, value: len, start: next, end: next + len };
        at = next + len;
      } else if (wireType === 1 || wireType === 5) {
        const n = wireType === 1 ? 8 : 4;
        if (at + n > this.end) throw new ProtoTruncatedError(at, this.end, `field ${field}`);
        yield { field, wireType, value: 0, start: at, end: at + n };
        at += n;
      } else {
        throw new ProtoTruncatedError(at, this.end, `field ${field} with unknown wire type ${wireType}`);
      }
    }
  }

  /** The payload of a length-delimited field as a reader of its own. */
  sub(f: ProtoField): ProtoReader {
    return new ProtoReader(this.bytes, f.start, f.end);
  }

  text(f: ProtoField): string {
    return new TextDecoder().decode(this.bytes.subarray(f.start, f.end));
  }

  /** Varints packed into one length-delimited field (repeated int64 dims, packed). */
  packed(f: ProtoField): number[] {
    const out: number[] = [];
    let at = f.start;
    while (at < f.end) {
      const [v, next] = this.readVarint(at, 'a packed value');
      out.push(v);
      at = next;
    }
    return out;
  }

  private readVarint(at: number, what: string): [number, number] {
    let result = 0n;
    let shift = 0n;
    const start = at;
    for (;;) {
      if (at >= this.end) throw new ProtoTruncatedError(start, this.end, what);
      const b = this.bytes[at++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7n;
      if (shift > 63n) throw new ProtoTruncatedError(start, this.end, `${what} (a varint longer than ten bytes)`);
    }
    return [Number(BigInt.asIntN(64, result)), at];
  }
}
