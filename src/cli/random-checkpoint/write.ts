// Writes a checkpoint of SmolLM2-135M's shape with
// seeded random weights into a folder (config.json, tokenizer.json, tokenizer_config.json,
// model.safetensors). The weights are streamed to the file one tensor at a time, so writing the
// full-size model holds one tensor in memory, not 538 MB (safetensors/writer.ts builds the whole
// file in memory, which suits adapters and small test checkpoints).
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parameterCount, parseModelConfig } from '../../models/config';
import { float32ToBf16Bits } from '../../models/safetensors/dtypes';
import {
  shapedConfigJson,
  shapedTokenizerFiles,
  tensorPlan,
  type ShapeOverrides,
  type TensorPlan,
} from './smollm2-shape';

export interface WriteShapedOptions extends ShapeOverrides {
  /** Stored dtype: BF16 as SmolLM2 ships (default), or F32. */
  dtype?: 'BF16' | 'F32';
  seed?: number;
}

export interface WrittenCheckpoint {
  dir: string;
  parameters: number;
  bytes: number;
  ms: number;
}

/** The safetensors header for tensors written in order, padded with spaces to a multiple of 8. */
function header(
  plan: readonly TensorPlan[],
  bytesPer: number,
  metadata: Record<string, string>,
): Uint8Array {
  const h: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of plan) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * bytesPer;
    h[t.name] = {
      dtype: bytesPer === 2 ? 'BF16' : 'F32',
      shape: t.shape,
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + Math.ceil(json.byteLength / 8) * 8).fill(0x20);
  new DataView(out.buffer).setBigUint64(0, BigInt(out.byteLength - 8), true);
  out.set(json, 8);
  return out;
}

export async function writeShapedCheckpoint(
  dir: string,
  o: WriteShapedOptions = {},
): Promise<WrittenCheckpoint> {
  const t0 = performance.now();
  const dtype = o.dtype ?? 'BF16';
  const raw = shapedConfigJson(o, dtype === 'BF16' ? 'bfloat16' : 'float32');
  const config = parseModelConfig(raw);
  const plan = tensorPlan(config, raw, o.seed ?? 0);
  await mkdir(dir, { recursive: true });
  // The weights first, under a temporary name: a folder with config.json is taken as complete.
  const partial = join(dir, 'model.safetensors.partial');
  const fh = await open(partial, 'w');
  let bytes = 0;
  try {
    const head = header(plan, dtype === 'BF16' ? 2 : 4, {
      format: 'pt',
      written_by: 'persona-lab random-checkpoint (seeded random weights)',
    });
    await fh.write(head);
    bytes += head.byteLength;
    for (const t of plan) {
      const values = t.values();
      const data = dtype === 'BF16' ? float32ToBf16Bits(values) : values;
      await fh.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      bytes += data.byteLength;
    }
  } catch (e) {
    await fh.close();
    await rm(partial, { force: true });
    throw e;
  }
  await fh.close();
  await rename(partial, join(dir, 'model.safetensors'));
  const tok = shapedTokenizerFiles(config.vocabSize);
  await writeFile(join(dir, 'tokenizer.json'), tok['tokenizer.json']);
  await writeFile(join(dir, 'tokenizer_config.json'), tok['tokenizer_config.json']);
  await writeFile(join(dir, 'config.json'), JSON.stringify(raw, null, 2) + '\n');
  return { dir, parameters: parameterCount(config), bytes, ms: performance.now() - t0 };
}
