// The Models panel's "Import a TRL run": the folder a TRL run wrote (picked files) into the model
// cache as `trl/<folder>` — a full checkpoint as it is, a PEFT adapter merged into its base (the
// built-in model or a cached checkpoint) after checking it fits — with its trainer_state.json
// checked first. Nothing is stored unless everything is valid (src/models/import).
import { parseTrainerState } from '../experiments/import/trl/trainer-state';
import { pickedFiles } from '../models/checkpoint';
import { ModelCache } from '../models/hub/cache';
import { cachedCheckpoint } from '../models/hub/fetch-checkpoint';
import { storeImported } from '../models/import/trl-cache';
import { TRAINER_STATE, checkpointFromOutput, mergeAdapterOutput, trlOutputKind } from '../models/import/trl-output';
import { memoryFiles } from '../models/io/memory-files';
import { fetchBuiltinFiles } from './builtin-files';

/** The base of an adapter: the built-in model, or a group of the model cache. */
export type TrlImportBase = { kind: 'builtin' } | { kind: 'cache'; group: string };

export async function importTrlModel(files: File[], base: TrlImportBase): Promise<{ group: string; kind: 'adapter' | 'checkpoint'; curvePoints: number }> {
  const folder = files.find((f) => f.webkitRelativePath)?.webkitRelativePath.split('/')[0] ?? 'run';
  const out = pickedFiles(files, `the picked TRL run (${folder})`);
  const kind = trlOutputKind(out);
  const state = files.find((f) => f.name === TRAINER_STATE);
  const stateText = state ? await state.text() : null;
  const curves = stateText !== null ? parseTrainerState(stateText) : null;
  const cache = await ModelCache.open();
  try {
    let imported;
    if (kind === 'adapter') {
      const b = base.kind === 'builtin' ? { files: memoryFiles((await fetchBuiltinFiles()).files, 'the built-in model'), name: 'builtin' } : { files: await cachedCheckpoint(cache, base.group), name: base.group };
      imported = (await mergeAdapterOutput(out, b.files, b.name)).files;
    } else {
      imported = await checkpointFromOutput(out);
    }
    if (stateText !== null) imported.push({ name: TRAINER_STATE, bytes: new TextEncoder().encode(stateText) });
    const group = `trl/${folder}`;
    await storeImported(cache, group, imported);
    return { group, kind, curvePoints: curves?.train.length ?? 0 };
  } finally {
    cache.close();
  }
}
