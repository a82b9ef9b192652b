// Node only: the language model loader for the CLI — the built-in model's files from a folder
// (public/models/builtin by default, or --model-dir).
import { folderFiles } from '../../models/io/node-files';
import { loadModel } from '../../models/load-model';
import type { LmLoader } from '../lm/loaded';
import { ModelUnavailableError } from '../lm/loaded';
import { weightsHash } from '../lm/weights-hash';

export const DEFAULT_MODEL_DIR = 'public/models/builtin';

export function folderLmLoader(dir = DEFAULT_MODEL_DIR, name = 'built-in model'): LmLoader {
  return async (_source, backend) => {
    let files;
    try {
      files = await folderFiles(dir);
    } catch (e) {
      throw new ModelUnavailableError(`The language model in ${dir} could not be opened (${(e as Error).message}); train it with \`npm run cli -- model train-builtin\` or give --model-dir.`);
    }
    const { model, tokenizer } = await loadModel(backend, files);
    return { name: `${name} (weights ${await weightsHash(files)})`, model, tokenizer, builtin: dir === DEFAULT_MODEL_DIR };
  };
}
