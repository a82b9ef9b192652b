// The personas of the selected dataset: a table with a filter per shown attribute and a text
// search over all attributes. Clicking a persona opens its card. All text is rendered as text.
import { useMemo, useState } from 'react';
import type { DatasetSnapshot, PersonaView } from '../../../protocol/data';
import { formatCount } from '../../format';

const DEFAULT_COLUMNS = ['age', 'sex', 'education', 'income', 'religion', 'political views'];
const PAGE = 50;

function distinct(personas: PersonaView[], key: string): string[] {
  const values = new Set<string>();
  for (const p of personas) {
    const v = p.attributes[key];
    if (v !== undefined) values.add(v);
  }
  const list = [...values];
  return list.every((v) => /^\d+$/.test(v)) ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}

export function PersonaTable({ snapshot, selectedId, onSelect }: { snapshot: DatasetSnapshot; selectedId?: string; onSelect(id: string): void }) {
  // Show the default columns the dataset has; OpinionQA groups carry few attributes.
  const columns = useMemo(() => {
    const present = snapshot.attributeKeys.filter((k) => snapshot.personas.some((p) => p.attributes[k] !== undefined));
    const preferred = DEFAULT_COLUMNS.filter((c) => present.includes(c));
    return [...preferred, ...present.filter((c) => !preferred.includes(c))].slice(0, 6);
  }, [snapshot]);
  const options = useMemo(() => Object.fromEntries(columns.map((c) => [c, distinct(snapshot.personas, c)])), [columns, snapshot]);
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);

  const filtered = useMemo(() => {
    const q = search.trim().toLowerCase();
    return snapshot.personas.filter((p) => {
      for (const [k, v] of Object.entries(filters)) if (v && p.attributes[k] !== v) return false;
      if (!q) return true;
      return p.label.toLowerCase().includes(q) || Object.values(p.attributes).some((v) => v.toLowerCase().includes(q));
    });
  }, [snapshot, filters, search]);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE));
  const current = Math.min(page, pages - 1);
  const shown = filtered.slice(current * PAGE, (current + 1) * PAGE);

  return (
    <section className="panel" aria-labelledby="personas-title" data-testid="persona-table">
      <h3 id="personas-title" className="panel__title">
        Personas
      </h3>
      <div className="persona-filters">
        <label>
          Search{' '}
          <input
            type="search"
            value={search}
            placeholder="any attribute…"
            onChange={(e) => {
              setSearch(e.target.value);
              setPage(0);
            }}
          />
        </label>
        {columns.map((c) => (
          <label key={c}>
            {c}{' '}
            <select
              value={filters[c] ?? ''}
              aria-label={`Filter by ${c}`}
              onChange={(e) => {
                setFilters({ ...filters, [c]: e.target.value });
                setPage(0);
              }}
            >
              <option value="">any</option>
              {options[c].map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      <p className="muted" data-testid="persona-count" aria-live="polite">
        Showing {formatCount(shown.length)} of {formatCount(filtered.length)} matching ({formatCount(snapshot.personas.length)} personas)
      </p>
      <div className="table-scroll">
        <table className="table table--compact persona-table">
          <thead>
            <tr>
              <th scope="col">Persona</th>
              {columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((p) => (
              <tr key={p.id} className={p.id === selectedId ? 'persona-table__selected' : undefined}>
                <td>
                  <button type="button" className="link-button" title={p.label} onClick={() => onSelect(p.id)} aria-pressed={p.id === selectedId}>
                    {p.label}
                  </button>
                </td>
                {columns.map((c) => (
                  <td key={c}>{p.attributes[c] ?? '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <div className="pager">
          <button type="button" className="button button--ghost button--small" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <span>
            Page {current + 1} of {pages}
          </span>
          <button type="button" className="button button--ghost button--small" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            Next
          </button>
        </div>
      )}
    </section>
  );
}
