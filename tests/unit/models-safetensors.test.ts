// safetensors: reading the committed tiny checkpoints (single, sharded, F32/BF16), dtype
// conversions against torch's, the writer, and each way a file can be broken.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkWeights, expectedTensors, openCheckpoint, pickedFiles, readConfig } from '../../src/models/checkpoint';
import { readdir } from 'node:fs/promises';
import {
  InvalidHeaderError,
  MissingTensorError,
  ShardIndexError,
  TensorOffsetError,
  TensorShapeError,
  TruncatedFileError,
  UnsupportedDtypeError,
} from '../../src/models/errors';
import { blobSource, bytesSource } from '../../src/util/byte-source';
import { folderFiles } from '../../src/models/io/node-files';
import { float32ToBf16Bits, float32ToF16Bits } from '../../src/models/safetensors/dtypes';
import { SafetensorsFile } from '../../src/models/safetensors/file';
import { ShardedSafetensors } from '../../src/models/safetensors/sharded';
import { writeSafetensors } from '../../src/models/safetensors/writer';

const FIX = 'tests/fixtures/tiny-checkpoint';

async function fixture(path: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(`${FIX}/${path}`));
}

/** A safetensors file from a raw header object and a data section of `dataBytes` bytes. */
function handMade(header: Record<string, unknown>, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

function bitsOf(a: Float32Array): number[] {
  return [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
}

describe('dtypes', () => {
  it('F16 and BF16 read as exactly the f32 values torch upcasts them to', async () => {
    const f = await SafetensorsFile.open(bytesSource(await fixture('dtypes.safetensors'), 'dtypes.safetensors'));
    expect(bitsOf(await f.readFloat32('f16'))).toEqual(bitsOf(await f.readFloat32('f16_as_f32')));
    expect(bitsOf(await f.readFloat32('bf16'))).toEqual(bitsOf(await f.readFloat32('bf16_as_f32')));
  });

  it('f32 -> F16/BF16 rounds exactly as torch does (nearest even, overflow, subnormals)', async () => {
    const f = await SafetensorsFile.open(bytesSource(await fixture('dtypes.safetensors'), 'dtypes.safetensors'));
    const values = await f.readFloat32('f32');
    const torchF16 = new Uint16Array((await f.readRaw('f16')).bytes.buffer);
    const torchBf16 = new Uint16Array((await f.readRaw('bf16')).bytes.buffer);
    expect([...float32ToF16Bits(values)]).toEqual([...torchF16]);
    expect([...float32ToBf16Bits(values)]).toEqual([...torchBf16]);
  });
});

describe('writer', () => {
  it('round-trips F32, F16, BF16, I32 and I64 with metadata', async () => {
    const x = new Float32Array([1, -2.5, 0.1, 1e-3, 65504]);
    const ids = new Int32Array([0, 7, -3, 2147483647]);
    const bytes = writeSafetensors(
      [
        { name: 'x32', shape: [5], data: x },
        { name: 'x16', shape: [5], data: x, dtype: 'F16' },
        { name: 'xb16', shape: [1, 5], data: x, dtype: 'BF16' },
        { name: 'ids', shape: [2, 2], data: ids },
        { name: 'ids64', shape: [4], data: ids, dtype: 'I64' },
      ],
      { format: 'pt' },
    );
    const f = await SafetensorsFile.open(bytesSource(bytes, 'w.safetensors'));
    expect(f.header.dataStart % 8).toBe(0);
    expect(f.metadata).toEqual({ format: 'pt' });
    expect([...(await f.readFloat32('x32'))]).toEqual([...x]);
    expect([...(await f.readFloat32('x16'))]).toEqual([1, -2.5, 0.0999755859375, (1 + 25 / 1024) * 2 ** -10, 65504]);
    expect(f.info('xb16')!.shape).toEqual([1, 5]);
    expect([...(await f.readFloat32('xb16'))]).toEqual([1, -2.5, 0.10009765625, 0.00099945068359375, 65536]);
    expect([...(await f.readInt32('ids'))]).toEqual([...ids]);
    expect([...(await f.readInt32('ids64'))]).toEqual([...ids]);
    await expect(f.readInt32('x32')).rejects.toThrow(UnsupportedDtypeError);
    await expect(f.readFloat32('nope')).rejects.toThrow(MissingTensorError);
  });
});

describe('tiny checkpoints', () => {
  it('the sharded F32 and single-file BF16 llama hold the same values; every expected tensor is there', async () => {
    const f32 = await openCheckpoint(await folderFiles(`${FIX}/llama-f32`));
    const bf16 = await openCheckpoint(await folderFiles(`${FIX}/llama-bf16`));
    expect(f32.weights).toBeInstanceOf(ShardedSafetensors);
    expect(f32.weightFiles).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(bf16.weightFiles).toEqual(['model.safetensors']);
    checkWeights(f32.config, f32.weights);
    checkWeights(bf16.config, bf16.weights);
    expect(f32.weights.names().sort()).toEqual([...expectedTensors(f32.config).keys()].sort());
    for (const name of f32.weights.names()) {
      expect(f32.weights.info(name)!.dtype).toBe('F32');
      expect(bf16.weights.info(name)!.dtype).toBe('BF16');
      expect(await bf16.weights.readFloat32(name)).toEqual(await f32.weights.readFloat32(name));
    }
    expect(f32.weights.storedBytes).toBe(2 * bf16.weights.storedBytes);
  });

  it('opens files picked in a browser (File objects) like a folder', async () => {
    const dir = `${FIX}/llama-f32`;
    const files = await Promise.all((await readdir(dir)).map(async (n) => new File([await fixture(`llama-f32/${n}`)], n)));
    const picked = await openCheckpoint(pickedFiles(files));
    const disk = await openCheckpoint(await folderFiles(dir));
    expect(picked.weightFiles).toEqual(disk.weightFiles);
    const name = 'model.layers.0.mlp.down_proj.weight';
    expect(await picked.weights.readFloat32(name)).toEqual(await disk.weights.readFloat32(name));
    await expect(openCheckpoint(pickedFiles(files.filter((f) => f.name !== 'tokenizer.json')))).rejects.toThrow(/No 'tokenizer.json' in the picked files/);
  });

  it('reads from a Blob as from bytes', async () => {
    const bytes = await fixture('qwen2-bf16/model.safetensors');
    const a = await SafetensorsFile.open(blobSource(new Blob([bytes]), 'model.safetensors'));
    const b = await SafetensorsFile.open(bytesSource(bytes, 'model.safetensors'));
    const name = 'model.layers.1.self_attn.q_proj.bias';
    expect(await a.readFloat32(name)).toEqual(await b.readFloat32(name));
    expect(a.info(name)!.shape).toEqual([32]);
  });

  it('refuses weights whose shapes disagree with config.json', async () => {
    const files = await folderFiles(`${FIX}/qwen2-f32`);
    const config = await readConfig(files);
    const { weights } = await openCheckpoint(files);
    expect(() => checkWeights({ ...config, intermediateSize: 40 }, weights)).toThrow(TensorShapeError);
    expect(() => checkWeights({ ...config, tieWordEmbeddings: false }, weights)).toThrow(/'lm_head.weight' is not in the checkpoint/);
  });
});

describe('broken files', () => {
  const ok = { a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, b: { dtype: 'BF16', shape: [4], data_offsets: [16, 24] } };

  it('accepts a well-formed hand-made file', async () => {
    const f = await SafetensorsFile.open(bytesSource(handMade(ok, 24), 'ok'));
    expect(f.names()).toEqual(['a', 'b']);
  });

  it('a file truncated in the data is a TruncatedFileError naming the sizes', async () => {
    const full = await fixture('qwen2-f32/model.safetensors');
    const cut = full.slice(0, full.length - 1000);
    const err = await SafetensorsFile.open(bytesSource(cut, 'model.safetensors')).catch((e) => e);
    expect(err).toBeInstanceOf(TruncatedFileError);
    expect(err.message).toContain(`needs ${full.length} bytes but the file has ${cut.length}`);
  });

  it('a file truncated inside the header, or shorter than 8 bytes, is truncated too', async () => {
    const full = await fixture('qwen2-f32/model.safetensors');
    await expect(SafetensorsFile.open(bytesSource(full.slice(0, 100), 'm'))).rejects.toThrow(TruncatedFileError);
    await expect(SafetensorsFile.open(bytesSource(full.slice(0, 5), 'm'))).rejects.toThrow(TruncatedFileError);
  });

  it('a header whose offsets disagree with shape x dtype is a TensorOffsetError', async () => {
    const lying = { ...ok, a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } };
    const err = await SafetensorsFile.open(bytesSource(handMade(lying, 24), 'lie')).catch((e) => e);
    expect(err).toBeInstanceOf(TensorOffsetError);
    expect(err.message).toMatch(/'a'.*spans 12 bytes but F32 \[2, 2\] needs 16/);
  });

  it('overlapping tensors are a TensorOffsetError naming both', async () => {
    const overlap = { ...ok, b: { dtype: 'BF16', shape: [4], data_offsets: [12, 20] } };
    await expect(SafetensorsFile.open(bytesSource(handMade(overlap, 24), 'o'))).rejects.toThrow(/'b'.*overlaps 'a'/);
  });

  it('offsets beyond the data are refused as a truncated file', async () => {
    const beyond = { ...ok, b: { dtype: 'BF16', shape: [4], data_offsets: [100, 108] } };
    await expect(SafetensorsFile.open(bytesSource(handMade(beyond, 24), 'x'))).rejects.toThrow(TruncatedFileError);
  });

  it('bad offsets, dtypes, shapes, JSON and lengths are named', async () => {
    const cases: [Record<string, unknown>, RegExp, unknown][] = [
      [{ a: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, /end 0 is before begin 4/, TensorOffsetError],
      [{ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, /not a pair/, TensorOffsetError],
      [{ a: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, /unknown dtype "Q4"/, InvalidHeaderError],
      [{ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, /shape \[-1\]/, InvalidHeaderError],
      [{ a: 3 }, /entry 'a' is not an object/, InvalidHeaderError],
      [{ __metadata__: { k: 1 } }, /__metadata__.k/, InvalidHeaderError],
    ];
    for (const [header, message, cls] of cases) {
      const err = await SafetensorsFile.open(bytesSource(handMade(header, 8), 'bad')).catch((e) => e);
      expect(err).toBeInstanceOf(cls);
      expect(err.message).toMatch(message);
    }
    const notJson = handMade({}, 0);
    notJson.set(new TextEncoder().encode('{x'), 8);
    await expect(SafetensorsFile.open(bytesSource(notJson, 'nj'))).rejects.toThrow(/not UTF-8 JSON/);
    const huge = new Uint8Array(64);
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    await expect(SafetensorsFile.open(bytesSource(huge, 'huge'))).rejects.toThrow(/header length field says 1099511627776/);
  });

  it('an I8 tensor is an UnsupportedDtypeError when read as weights', async () => {
    const f = await SafetensorsFile.open(bytesSource(handMade({ w: { dtype: 'I8', shape: [4], data_offsets: [0, 4] } }, 4), 'q'));
    await expect(f.readFloat32('w')).rejects.toThrow(/dtype I8, which is not supported/);
  });
});

describe('sharded index', () => {
  async function shards() {
    const files = await folderFiles(`${FIX}/llama-f32`);
    const index = JSON.parse(new TextDecoder().decode(await fixture('llama-f32/model.safetensors.index.json')));
    return { files, index };
  }

  it('a missing shard is named', async () => {
    const { files } = await shards();
    const text = await readFile(`${FIX}/llama-f32/model.safetensors.index.json`, 'utf8');
    await expect(ShardedSafetensors.open(text, async (n) => (n.startsWith('model-00002') ? undefined : files.get(n)))).rejects.toThrow(
      /names shard 'model-00002-of-00002.safetensors', which is not among the files given/,
    );
  });

  it('an index that puts a tensor in the wrong shard is refused', async () => {
    const { files, index } = await shards();
    index.weight_map['model.norm.weight'] = 'model-00001-of-00002.safetensors';
    await expect(ShardedSafetensors.open(JSON.stringify(index), (n) => files.get(n))).rejects.toThrow(ShardIndexError);
    await expect(ShardedSafetensors.open('{"weight_map": {"a": "../x"}}', (n) => files.get(n))).rejects.toThrow(/not a shard file name/);
    await expect(ShardedSafetensors.open('[]', (n) => files.get(n))).rejects.toThrow(/no 'weight_map'/);
  });
});
