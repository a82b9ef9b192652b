// Which dataset the lab works on: the built-in one (preselected; seed adjustable) or one of the
// stored imports, each with its size and a delete button.
import { useState } from 'react';
import { DEFAULT_BUILTIN_REF, useData, useDatasetList, useSelectedDataset } from '../../../store/data';
import { formatBytes, formatCount } from '../../format';

const SOURCE_LABELS = { builtin: 'built-in', 'persona-file': 'PERSONA file', opinionqa: 'OpinionQA' } as const;

export function DatasetPicker() {
  const selected = useSelectedDataset();
  const list = useDatasetList();
  const select = useData((s) => s.select);
  const remove = useData((s) => s.remove);
  const [seed, setSeed] = useState(selected.kind === 'builtin' ? selected.seed : DEFAULT_BUILTIN_REF.kind === 'builtin' ? DEFAULT_BUILTIN_REF.seed : 1);
  const builtinSelected = selected.kind === 'builtin';
  const chooseBuiltin = (s: number) => void select({ kind: 'builtin', seed: s, personas: 1000 });

  return (
    <section className="panel" aria-labelledby="dataset-picker-title" data-testid="dataset-picker">
      <h3 id="dataset-picker-title" className="panel__title">
        Dataset
      </h3>
      <ul className="data-list" data-testid="dataset-list">
        <li className={builtinSelected ? 'data-list__item data-list__item--selected' : 'data-list__item'}>
          <label className="data-list__choice">
            <input type="radio" name="dataset" checked={builtinSelected} onChange={() => chooseBuiltin(seed)} />
            <span>
              <strong>Built-in personas</strong>
              <span className="muted"> · 1,000 personas, planted preferences, no download</span>
            </span>
          </label>
          <label className="data-list__seed">
            Seed{' '}
            <input
              type="number"
              min={0}
              max={4294967295}
              value={seed}
              aria-label="Built-in dataset seed"
              onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))}
              onBlur={() => builtinSelected && selected.seed !== seed && chooseBuiltin(seed)}
              onKeyDown={(e) => e.key === 'Enter' && chooseBuiltin(seed)}
            />
          </label>
        </li>
        {list.kind === 'ready' &&
          list.value.map((d) => {
            const isSel = selected.kind === 'stored' && selected.id === d.id;
            return (
              <li key={d.id} className={isSel ? 'data-list__item data-list__item--selected' : 'data-list__item'} data-testid="stored-dataset">
                <label className="data-list__choice">
                  <input type="radio" name="dataset" checked={isSel} onChange={() => void select({ kind: 'stored', id: d.id })} />
                  <span>
                    <strong>{d.name}</strong>
                    <span className="muted">
                      {' '}
                      · {SOURCE_LABELS[d.source]} · {formatCount(d.rows)} rows · {formatCount(d.personas)} personas ·{' '}
                      <span data-testid="dataset-size">{formatBytes(d.bytes)}</span>
                    </span>
                  </span>
                </label>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  aria-label={`Delete ${d.name}`}
                  onClick={() => {
                    if (confirm(`Delete the stored dataset "${d.name}"? You can import it again later.`)) void remove(d.id);
                  }}
                >
                  Delete
                </button>
              </li>
            );
          })}
      </ul>
      {list.kind === 'error' && (
        <p role="alert" className="data-error">
          Stored datasets are unavailable: {list.message}
        </p>
      )}
    </section>
  );
}
