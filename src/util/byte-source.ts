// Bytes from anywhere behind one interface: a File or Blob (picked, dropped, Node's openAsBlob),
// memory, a URL (data/import/sources.ts), a file on disk or in the model cache (models/io,
// models/hub). Random reads serve parquet footers and safetensors tensors; chunks serve JSONL and
// CSV front to back. Nothing here holds a whole file in memory unless it already was.

export interface ByteSource {
  /** Shown in errors and the UI: a file name or URL (never a token). */
  readonly name: string;
  readonly size: number;
  /** Extra identity for re-import detection (lastModified, ETag); absent when the source has none. */
  readonly version?: string;
  /** Bytes [start, end) as a fresh Uint8Array (its own buffer, offset 0); 0 <= start <= end <= size. */
  read(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** The bytes front to back, in chunks of about CHUNK_BYTES. */
  chunks(signal?: AbortSignal): AsyncIterable<Uint8Array>;
}

export interface SourceOptions {
  /** The error an aborted read throws (the importer's ImportCancelledError, which the Data view
   * shows as "cancelled"); default: the signal's reason. */
  cancelled?: (name: string) => Error;
}

export const CHUNK_BYTES = 1 << 20;

/** Throws a RangeError naming the file when [start, end) is not inside it. */
export function checkRange(name: string, start: number, end: number, size: number): void {
  if (!(start >= 0 && end >= start && end <= size)) {
    throw new RangeError(`${name}: read of bytes [${start}, ${end}) is outside the file (${size} bytes)`);
  }
}

export function checkAbort(signal: AbortSignal | undefined, name: string, o: SourceOptions = {}): void {
  if (signal?.aborted) throw o.cancelled?.(name) ?? signal.reason;
}

/** Chunks by successive reads: the `chunks` of a source that has random access only. */
export async function* readChunks(source: Pick<ByteSource, 'name' | 'size' | 'read'>, signal?: AbortSignal, o: SourceOptions = {}): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < source.size; at += CHUNK_BYTES) {
    checkAbort(signal, source.name, o);
    yield await source.read(at, Math.min(source.size, at + CHUNK_BYTES), signal);
  }
}

/** Bytes in memory (chunks are views, reads are copies). */
export function bytesSource(data: Uint8Array | ArrayBuffer, name: string, o: SourceOptions = {}): ByteSource {
  const view = data instanceof Uint8Array ? data : new Uint8Array(data);
  return {
    name,
    size: view.byteLength,
    version: '',
    async read(start, end, signal) {
      checkAbort(signal, name, o);
      checkRange(name, start, end, view.byteLength);
      return view.slice(start, end);
    },
    async *chunks(signal) {
      for (let at = 0; at < view.byteLength; at += CHUNK_BYTES) {
        checkAbort(signal, name, o);
        yield view.subarray(at, Math.min(view.byteLength, at + CHUNK_BYTES));
      }
    },
  };
}

/** A Blob or File, read lazily: Blob.slice per read and per chunk keeps memory bounded even where
 * blob.stream() buffers. */
export function blobSource(blob: Blob, name = (blob as File).name ?? 'blob', o: SourceOptions = {}): ByteSource {
  const source: ByteSource = {
    name,
    size: blob.size,
    version: String((blob as File).lastModified ?? ''),
    async read(start, end, signal) {
      checkAbort(signal, name, o);
      checkRange(name, start, end, blob.size);
      return new Uint8Array(await blob.slice(start, end).arrayBuffer());
    },
    chunks: (signal) => readChunks(source, signal, o),
  };
  return source;
}
