// Fetching the built-in model's files from the app itself (public/models/builtin, served at
// <base>/models/builtin/): small enough to hold in memory, so no cache entry is made; the
// browser's HTTP cache keeps them between visits. training.json (the run's report) is optional.
import type { BuiltinTrainingView } from '../protocol/models';

export const BUILTIN_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'] as const;

export class BuiltinModelFetchError extends Error {
  override name = 'BuiltinModelFetchError';
}

/** The folder's URL: the app's base path resolved against this worker's origin. */
export function builtinBaseUrl(): string {
  const base = import.meta.env?.BASE_URL ?? '/';
  return new URL(`${base.replace(/\/?$/, '/')}models/builtin/`, self.location.origin).href;
}

export async function fetchBuiltinFiles(
  onFile?: (file: string, done: number, total: number) => void,
  baseUrl = builtinBaseUrl(),
): Promise<{ files: Record<string, Uint8Array>; training?: BuiltinTrainingView; where: string }> {
  const files: Record<string, Uint8Array> = {};
  let done = 0;
  for (const name of BUILTIN_FILES) {
    onFile?.(name, done, BUILTIN_FILES.length);
    let res: Response;
    try {
      res = await fetch(baseUrl + name);
    } catch (e) {
      throw new BuiltinModelFetchError(`Could not fetch the built-in model's ${name} from ${baseUrl}: ${(e as Error).message}`);
    }
    if (!res.ok) throw new BuiltinModelFetchError(`The built-in model's ${name} is missing at ${baseUrl} (HTTP ${res.status}); run \`npm run train:builtin\` or rebuild the app.`);
    files[name] = new Uint8Array(await res.arrayBuffer());
    onFile?.(name, ++done, BUILTIN_FILES.length);
  }
  return { files, training: await fetchTraining(baseUrl), where: baseUrl };
}

async function fetchTraining(baseUrl: string): Promise<BuiltinTrainingView | undefined> {
  try {
    const res = await fetch(baseUrl + 'training.json');
    if (!res.ok) return undefined;
    const r = await res.json();
    return {
      tokensSeen: r.tokensSeen,
      steps: r.options?.steps,
      finalTrainLoss: r.finalTrainLoss,
      heldOutLoss: r.heldOutLoss,
      unigramLoss: r.unigramLoss,
      crossPersonaAccuracy: r.crossPersona?.accuracy,
      trainSeconds: r.trainSeconds,
    };
  } catch {
    return undefined; // the report is informational; the model loads without it
  }
}
