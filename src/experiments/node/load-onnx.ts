// Node only: the ONNX model loader for the CLI. A spec's model.onnx names a folder in the hub's
// transformers.js layout (config.json, tokenizer.json, onnx/model.onnx), an http(s) base URL
// holding the same files, or hf:owner/name[@revision] (read by range requests, token from
// HF_TOKEN; nothing is cached in Node). Runs on onnxruntime-web's WASM EP, one thread.
import { BUILTIN_CHAT_TEMPLATE } from '../../models/builtin/spec';
import type { CheckpointFiles } from '../../models/checkpoint';
import { remoteFiles } from '../../models/io/http-source';
import { onnxFolderFiles } from '../../models/onnx/node-folder';
import { loadOnnxModel } from '../../models/onnx/open';
import { ModelUnavailableError, type OnnxLoader } from '../lm/loaded';

async function filesAt(location: string, token?: string): Promise<CheckpointFiles> {
  if (/^https?:\/\//.test(location)) return remoteFiles({ kind: 'url', baseUrl: location }, { token });
  if (location.startsWith('hf:')) {
    const [repo, revision] = location.slice(3).split('@');
    return remoteFiles({ kind: 'hub', hub: { repo, revision } }, { token });
  }
  try {
    return await onnxFolderFiles(location);
  } catch (e) {
    throw new ModelUnavailableError(`The ONNX model folder ${location} could not be opened (${(e as Error).message}); write the test one with \`node scripts/node-run.mjs scripts/onnx-fixture/write.ts\` or give a folder with onnx/model.onnx.`);
  }
}

export function nodeOnnxLoader(o: { token?: string } = {}): OnnxLoader {
  return async (location) => {
    const { lm, tokenizer, file } = await loadOnnxModel(await filesAt(location, o.token));
    return {
      name: `ONNX model ${location} (${file}, onnxruntime-web wasm)`,
      inference: lm,
      tokenizer,
      // The built-in model exported to ONNX keeps its prompt layout.
      builtin: tokenizer.chatTemplate === BUILTIN_CHAT_TEMPLATE,
      dispose: () => lm.dispose(),
      // The CLI runs ONNX models on the WASM EP only (one thread).
      onnx: { provider: 'wasm', asked: 'wasm' },
    };
  };
}
