// Writes the ONNX decoder fixture, tests/fixtures/onnx-decoder/: the tiny test Llama checkpoint
// (tests/fixtures/tiny-checkpoint/llama-f32, its own weights) exported by src/models/onnx/export-decoder.ts
// in the transformers.js hub layout: config.json, tokenizer.json, tokenizer_config.json and
// onnx/model.onnx (fp32, with past key values). Deterministic: rerunning rewrites the same bytes.
// Usage: node scripts/node-run.mjs scripts/onnx-fixture/write.ts [SOURCE_DIR] [OUT_DIR]
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openCheckpoint } from '../../src/models/checkpoint';
import { folderFiles } from '../../src/models/io/node-files';
import { exportOnnxDecoder } from '../../src/models/onnx/export-decoder';

export const SOURCE_DIR = 'tests/fixtures/tiny-checkpoint/llama-f32';
export const OUT_DIR = 'tests/fixtures/onnx-decoder';

const [source = SOURCE_DIR, out = OUT_DIR] = process.argv.slice(2);
const ck = await openCheckpoint(await folderFiles(source));
const bytes = await exportOnnxDecoder(ck.config, (name) => ck.weights.readFloat32(name));
await mkdir(join(out, 'onnx'), { recursive: true });
await writeFile(join(out, 'onnx', 'model.onnx'), bytes);
for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) await copyFile(join(source, f), join(out, f));
console.log(`wrote ${join(out, 'onnx', 'model.onnx')} (${bytes.length} bytes) and its config and tokenizer from ${source}`);
