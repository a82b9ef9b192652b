// Random-access bytes, whatever holds them: an ArrayBuffer, a Blob or File the user picked, or a
// file in the model cache. The safetensors reader reads a header and then one tensor at a time
// through this, so a 1 GB checkpoint is never copied into memory whole.

export interface ByteSource {
  /** A name for messages (the file name). */
  readonly name: string;
  readonly size: number;
  /** Bytes [start, end) as a fresh Uint8Array (its own buffer, offset 0). end <= size. */
  read(start: number, end: number): Promise<Uint8Array>;
}

export function bytesSource(name: string, data: ArrayBuffer | Uint8Array): ByteSource {
  const view = data instanceof Uint8Array ? data : new Uint8Array(data);
  return {
    name,
    size: view.byteLength,
    async read(start, end) {
      checkRange(name, start, end, view.byteLength);
      return view.slice(start, end);
    },
  };
}

/** A Blob or File (from a file picker or drag and drop); reads slices lazily. */
export function blobSource(blob: Blob, name = (blob as File).name ?? 'blob'): ByteSource {
  return {
    name,
    size: blob.size,
    async read(start, end) {
      checkRange(name, start, end, blob.size);
      return new Uint8Array(await blob.slice(start, end).arrayBuffer());
    },
  };
}

function checkRange(name: string, start: number, end: number, size: number): void {
  if (!(start >= 0 && end >= start && end <= size)) {
    throw new RangeError(`${name}: read of bytes [${start}, ${end}) is outside the file (${size} bytes)`);
  }
}
