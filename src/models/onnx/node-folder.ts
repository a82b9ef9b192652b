// Node only (the CLI and tests): an ONNX model folder in the hub's transformers.js layout
// (config.json, tokenizer files, onnx/model.onnx) as CheckpointFiles, onnx/ files named with
// their folder as the hub and the model cache name them. Never imported by browser code.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointFiles } from '../checkpoint';
import { folderFiles } from '../io/node-files';

export async function onnxFolderFiles(dir: string): Promise<CheckpointFiles> {
  const top = await folderFiles(dir);
  const onnxDir = join(dir, 'onnx');
  const sub = (await stat(onnxDir).catch(() => null))?.isDirectory() ? await folderFiles(onnxDir) : null;
  const nested = sub ? sub.names().map((n) => `onnx/${n}`) : [];
  return {
    where: dir,
    names: () => [...top.names(), ...nested],
    get: (name) => (name.startsWith('onnx/') ? (sub?.get(name.slice(5)) ?? Promise.resolve(undefined)) : top.get(name)),
  };
}
