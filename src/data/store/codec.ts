// Shard compression: JSON rows compress about 5-10x with gzip, which matters when a PERSONA
// file expands to hundreds of MB of rows. Uses the platform's CompressionStream (browsers,
// workers, Node 18+); where it is missing, shards are stored uncompressed and say so.

export type ShardCodec = 'gzip' | 'none';

export function defaultCodec(): ShardCodec {
  return typeof CompressionStream === 'function' && typeof DecompressionStream === 'function' ? 'gzip' : 'none';
}

async function pipe(data: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform as unknown as TransformStream<Uint8Array, Uint8Array>);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function encodeShard(data: Uint8Array, codec: ShardCodec): Promise<Uint8Array> {
  return codec === 'gzip' ? pipe(data, new CompressionStream('gzip')) : data;
}

export async function decodeShard(bytes: Uint8Array, codec: ShardCodec): Promise<Uint8Array> {
  return codec === 'gzip' ? pipe(bytes, new DecompressionStream('gzip')) : bytes;
}
