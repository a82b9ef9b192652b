// `import trl DIR`: what a TRL run wrote (src/models/import/trl-output.ts) into a model folder the
// lab loads (--model-dir, policy run --base, serve): a full checkpoint as it is, a PEFT adapter
// merged into --base. trainer_state.json is parsed first and kept beside the weights for the
// Results view's curves. Everything is checked and computed before the folder appears, and it
// appears by one rename: a bad input leaves nothing half-imported.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseTrainerState, type TrlCurves } from '../../experiments/import/trl/trainer-state';
import { folderFiles } from '../../models/io/node-files';
import { TRAINER_STATE, checkpointFromOutput, mergeAdapterOutput, trlOutputKind, type ImportedFile } from '../../models/import/trl-output';
import { parseFlags, UsageError, type CliCommand } from '../command';

/** Outside public/ (vite would copy imported weights into every build); git ignores it. */
export const DEFAULT_IMPORT_DIR = 'imported-models';

export interface TrlImportResult {
  dir: string;
  kind: 'adapter' | 'checkpoint';
  files: string[];
  curves: TrlCurves | null;
}

export async function importTrlFolder(src: string, o: { base?: string; into?: string; name?: string; force?: boolean; ignoreBaseName?: boolean } = {}): Promise<TrlImportResult> {
  const out = await folderFiles(src);
  const kind = trlOutputKind(out);
  let curves: TrlCurves | null = null;
  let stateText: string | null = null;
  if (out.names().includes(TRAINER_STATE)) {
    stateText = await readFile(join(src, TRAINER_STATE), 'utf8');
    curves = parseTrainerState(stateText);
  }
  let files: ImportedFile[];
  if (kind === 'adapter') {
    if (!o.base) throw new UsageError(`${src} holds a PEFT adapter: give --base, the folder of the model it was trained on`);
    files = (await mergeAdapterOutput(out, await folderFiles(o.base), o.base, { ignoreBaseName: o.ignoreBaseName })).files;
  } else {
    files = await checkpointFromOutput(out);
  }
  if (stateText !== null) files.push({ name: TRAINER_STATE, bytes: new TextEncoder().encode(stateText) });
  const into = o.into ?? DEFAULT_IMPORT_DIR;
  const name = o.name ?? `trl-${basename(resolve(src))}`;
  const dir = join(into, name);
  if (existsSync(dir) && !o.force) throw new UsageError(`${dir} exists (give --force to replace it, or --name)`);
  await mkdir(into, { recursive: true });
  const partial = join(into, `.${name}.partial-${process.pid}`);
  try {
    await mkdir(partial);
    for (const f of files) await writeFile(join(partial, f.name), f.bytes);
    if (existsSync(dir)) await rm(dir, { recursive: true });
    await rename(partial, dir);
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
  return { dir, kind, files: files.map((f) => f.name), curves };
}

export const importTrl: CliCommand = {
  path: ['import', 'trl'],
  summary: "Import a TRL run's output (full checkpoint, or PEFT adapter merged into --base) as a model folder",
  usage: [
    'DIR   the run\'s output folder (train.py of `export trl` saves it with save_model and save_state)',
    '--base MODEL_DIR   for an adapter: the model it was trained on   --ignore-base-name: the base folder was renamed',
    `--into DIR (${DEFAULT_IMPORT_DIR})  --name NAME (trl-<folder>)  --force replaces an earlier import`,
  ],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['force', 'ignore-base-name']);
    if (rest.length !== 1) throw new UsageError('give the folder a TRL run wrote');
    const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
    const r = await importTrlFolder(rest[0], { base: str('base'), into: str('into'), name: str('name'), force: flags.force === true, ignoreBaseName: flags['ignore-base-name'] === true });
    console.log(`imported ${r.kind === 'adapter' ? `an adapter merged into ${str('base')}` : 'a full checkpoint'} as ${r.dir} (${r.files.join(', ')})`);
    if (r.curves) {
      const last = r.curves.train.at(-1);
      const shown = last ? Object.entries(last).filter(([k]) => k === 'loss' || k.startsWith('rewards/accuracies') || k === 'accuracy').map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ') : '';
      console.log(`trainer_state.json: ${r.curves.train.length} training points (${r.curves.metrics.join(', ')}), ${r.curves.eval.length} eval points${last ? `; last step ${last.step}: ${shown}` : ''}`);
    }
    console.log(`use it with --model-dir ${r.dir} (experiment run), --base ${r.dir} (policy run) or serve ${r.dir}`);
    return 0;
  },
};
