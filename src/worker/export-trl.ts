// The app's way to TRL and back. "Export to TRL": a saved experiment run's spec, its data loaded
// and split as the run did (the worker's own data loader), as the files of `export trl` in a stored
// ZIP, Parquet only (JSONL is ~10x the size; the CLI writes both). And a TRL run's
// trainer_state.json as curves.
import { transfer } from 'comlink';
import { trlExportFiles } from '../experiments/export/trl';
import { parseTrainerState } from '../experiments/import/trl/trainer-state';
import type { TrlCurves } from '../protocol/trl';
import { prepare } from '../experiments/prepare';
import { IdbRunStore } from '../experiments/runs/idb-store';
import { zipStored } from '../util/zip';
import { loadData } from './experiments';

export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError';
}

export async function exportTrl(runId: string): Promise<Uint8Array> {
  const store = await IdbRunStore.open();
  let record;
  try {
    record = await store.getRecord(runId);
  } finally {
    store.close();
  }
  if (!record) throw new RunNotFoundError(`No saved run ${runId}: refresh the Results view`);
  const prepared = await prepare(record.spec, loadData);
  const files = trlExportFiles({ kind: 'experiment', spec: record.spec, prepared }, ['parquet']);
  const zip = zipStored(files.map((f) => ({ path: `${record.id}-trl/${f.path}`, bytes: f.bytes })));
  return transfer(zip, [zip.buffer]);
}

/** trainer_state.json's log history as curves (TrainerStateError, with what is wrong, otherwise). */
export function trlCurves(text: string): TrlCurves {
  return parseTrainerState(text);
}
