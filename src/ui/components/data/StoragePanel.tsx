// The browser's storage budget for cached datasets, and asking to keep it (persistent storage).
import { useData, usePersisted, useStorageInfo } from '../../../store/data';
import { formatBytes, pct } from '../../format';

export function StoragePanel() {
  const storage = useStorageInfo();
  const persisted = usePersisted();
  const ask = useData((s) => s.requestPersistence);
  return (
    <section className="panel" aria-labelledby="storage-title" data-testid="storage-estimate">
      <h3 id="storage-title" className="panel__title">
        Storage
      </h3>
      {storage ? (
        <>
          <p>
            {formatBytes(storage.usage)} used of {formatBytes(storage.quota)} ({pct(storage.quota ? storage.usage / storage.quota : 0)})
          </p>
          <progress max={1} value={storage.quota ? storage.usage / storage.quota : 0} aria-label="Storage used" />
        </>
      ) : (
        <p className="muted">This browser does not report its storage budget.</p>
      )}
      {persisted === true ? (
        <p>
          <span className="badge badge--ok">Persistent</span> The browser will not evict stored datasets.
        </p>
      ) : (
        <>
          <button type="button" className="button button--ghost" onClick={() => void ask()}>
            Keep stored datasets (persistent storage)
          </button>
          {persisted === false && <p className="muted">The browser declined for now; it may grant it after more use of the site or once installed.</p>}
          {persisted === 'unsupported' && <p className="muted">This browser cannot keep storage persistent.</p>}
        </>
      )}
    </section>
  );
}
