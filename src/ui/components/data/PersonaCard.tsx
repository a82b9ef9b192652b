// One persona in full: every attribute (missing ones marked), unknown keys, for built-in
// personas the role of each attribute and the planted tastes, and a few of its rows.
import { useEffect, useState } from 'react';
import type { DatasetSnapshot, PersonaView, RowView } from '../../../protocol/data';
import { useData } from '../../../store/data';

function role(snapshot: DatasetSnapshot, key: string): string | undefined {
  if (!snapshot.roles) return undefined;
  if (snapshot.roles.drivers.includes(key)) return 'driver';
  if (snapshot.roles.proxies.includes(key)) return 'proxy';
  return 'irrelevant';
}

export function PersonaCard({ snapshot, persona }: { snapshot: DatasetSnapshot; persona: PersonaView }) {
  const loadRows = useData((s) => s.personaRows);
  // Rows arrive from the worker; they belong to the persona they were asked for.
  const [loaded, setLoaded] = useState<{ id: string; rows: RowView[] } | undefined>();
  useEffect(() => {
    let live = true;
    loadRows(persona.id).then(
      (rows) => live && setLoaded({ id: persona.id, rows }),
      () => live && setLoaded({ id: persona.id, rows: [] }),
    );
    return () => {
      live = false;
    };
  }, [persona.id, loadRows]);
  const rows = loaded?.id === persona.id ? loaded.rows : undefined;

  return (
    <article className="panel persona-card" aria-labelledby="persona-card-title" data-testid="persona-card">
      <h3 id="persona-card-title" className="panel__title">
        {persona.label}
      </h3>
      <dl className="kv persona-card__attrs">
        {snapshot.attributeKeys.map((k) => {
          const v = persona.attributes[k];
          const r = role(snapshot, k);
          return (
            <div key={k} className="kv__row">
              <dt>
                {k} {r && <span className={`role role--${r}`}>{r}</span>}
              </dt>
              <dd>{v ?? <span className="muted">missing</span>}</dd>
            </div>
          );
        })}
        {persona.extra.map(([k, v], i) => (
          <div key={`extra-${i}`} className="kv__row">
            <dt>
              {k} <span className="role role--extra">extra</span>
            </dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {persona.tastes && (
        <>
          <h4>Planted tastes</h4>
          <ul className="tastes">
            {persona.tastes.map((t) => (
              <li key={t.axis}>
                <span className="mono">{t.axis}</span>: {t.pole}{' '}
                <span className="muted">({Math.abs(t.value) < 0.3 ? 'weak' : Math.abs(t.value) < 1 ? 'moderate' : 'strong'}, {t.value.toFixed(2)})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>Rows</h4>
      {rows === undefined ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted">No rows.</p>
      ) : (
        rows.map((r, i) => (
          <details key={i} className="persona-card__row">
            <summary>{r.instruction}</summary>
            <p className="persona-card__label">Preferred (data)</p>
            <p className="persona-card__text">{r.data}</p>
            <p className="persona-card__label">Generic (original)</p>
            <p className="persona-card__text">{r.original}</p>
            {r.critique && (
              <>
                <p className="persona-card__label">Critique</p>
                <p className="persona-card__text">{r.critique}</p>
              </>
            )}
          </details>
        ))
      )}
    </article>
  );
}
