// The app's way to TRL and back. "Export to TRL": a saved experiment or policy run's spec, its data loaded
// and split as the run did (the worker's own data loader), as the files of `export trl` in a stored
// ZIP, Parquet only (JSONL is ~10x the size; the CLI writes both). And a TRL run's
// trainer_state.json as curves.
import { transfer } from 'comlink';
import { trlExportFiles } from '../experiments/export/trl';
import { parseTrainerState } from '../experiments/import/trl/trainer-state';
import type { PolicyRecord } from '../protocol/policy';
import type { RunRecord } from '../protocol/record';
import type { TrlCurves } from '../protocol/trl';
import { prepare } from '../experiments/prepare';
import { IdbRunStore } from '../experiments/runs/idb-store';
import { zipStored } from '../util/zip';
import { loadData } from './experiments';
import { POLICY_RUNS_DB_NAME } from './policies';

export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError';
}

/** A saved experiment run (or, with kind 'policy', a saved policy run) as a TRL project, zipped. */
export async function exportTrl(runId: string, kind: 'experiment' | 'policy' = 'experiment'): Promise<Uint8Array> {
  // Policy records share the store's layout under their own database (src/worker/policies.ts).
  const store = await IdbRunStore.open(kind === 'policy' ? POLICY_RUNS_DB_NAME : undefined);
  let stored: unknown;
  try {
    stored = await store.getRecord(runId);
  } finally {
    store.close();
  }
  if (!stored) throw new RunNotFoundError(`No saved ${kind} run ${runId}: refresh the view`);
  let files;
  if (kind === 'policy') {
    const spec = (stored as PolicyRecord).spec;
    files = trlExportFiles({ kind: 'policy', spec, dataset: await loadData(spec.data) }, ['parquet']);
  } else {
    const spec = (stored as RunRecord).spec;
    files = trlExportFiles({ kind: 'experiment', spec, prepared: await prepare(spec, loadData) }, ['parquet']);
  }
  const record = stored as { id: string };
  const zip = zipStored(files.map((f) => ({ path: `${record.id}-trl/${f.path}`, bytes: f.bytes })));
  return transfer(zip, [zip.buffer]);
}

/** trainer_state.json's log history as curves (TrainerStateError, with what is wrong, otherwise). */
export function trlCurves(text: string): TrlCurves {
  return parseTrainerState(text);
}
