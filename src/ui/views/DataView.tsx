// The Data view. Pick the built-in persona dataset or import PERSONA and OpinionQA files; browse
// personas and their attributes. Imports and generation run in the worker; this view only shows.
import { useEffect, useState } from 'react';
import { useData, useSnapshot } from '../../store/data';
import { ViewHeader } from '../components/ViewHeader';
import { DatasetPicker } from '../components/data/DatasetPicker';
import { DatasetSummary } from '../components/data/DatasetSummary';
import { ImportPanel } from '../components/data/ImportPanel';
import { PersonaCard } from '../components/data/PersonaCard';
import { PersonaTable } from '../components/data/PersonaTable';
import { StoragePanel } from '../components/data/StoragePanel';
import '../components/data/data.css';

export function DataView() {
  const snapshot = useSnapshot();
  const refresh = useData((s) => s.refresh);
  const select = useData((s) => s.select);
  const computeStats = useData((s) => s.computeStats);
  // The open persona card, tied to the dataset it was picked in.
  const [picked, setPicked] = useState<{ fingerprint: string; id: string } | undefined>();

  // First visit: list stored datasets and open the selected (built-in by default) one.
  useEffect(() => {
    void refresh();
    const s = useData.getState();
    if (s.snapshot.kind === 'idle') void select(s.selected);
  }, [refresh, select]);

  // Statistics of the built-in data follow the snapshot (a few seconds in the worker); a stored
  // dataset's need all its rows in memory, so they wait for the user to ask.
  const ready = snapshot.kind === 'ready' ? snapshot.value : undefined;
  useEffect(() => {
    if (ready?.ref.kind === 'builtin') void computeStats();
  }, [ready, computeStats]);

  const personaId = ready && picked?.fingerprint === ready.fingerprint ? picked.id : undefined;
  const persona = personaId === undefined ? undefined : ready?.personas.find((p) => p.id === personaId);

  return (
    <section aria-labelledby="view-title" data-view="data" className="data-view">
      <ViewHeader title="Data" description="Pick the built-in persona dataset or import PERSONA and OpinionQA files; browse personas and their attributes." />
      <div className="data-view__grid">
        <div className="data-view__side">
          <DatasetPicker />
          <ImportPanel />
          <StoragePanel />
        </div>
        <div className="data-view__main">
          {snapshot.kind === 'loading' && (
            <p className="panel muted" role="status">
              Loading the dataset…
            </p>
          )}
          {snapshot.kind === 'error' && (
            <p className="panel data-error" role="alert">
              The dataset could not be opened. {snapshot.message}
            </p>
          )}
          {ready && (
            <>
              <DatasetSummary snapshot={ready} />
              <PersonaTable snapshot={ready} selectedId={personaId} onSelect={(id) => setPicked({ fingerprint: ready.fingerprint, id })} />
              {persona ? (
                <PersonaCard snapshot={ready} persona={persona} />
              ) : (
                <p className="panel muted" data-testid="data-next-step">
                  Pick a persona in the table to see its attributes and its rows. Next: <a href="#/experiments">run a preset in Experiments</a> on this dataset.
                </p>
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}
