// The comparison's columns: each a model or policy (by id) and a persona, with quick set-ups
// ("same persona, base against trained", "two personas, one model"), more columns, and samples per
// column, and the Stage-1 reward model that scores the answers. Models that cannot be picked now
// are listed disabled with the reason.
import { useId } from 'react';
import type { CompareCatalog } from '../../protocol/models';
import { baseAndTrained, useColumnOptions, useColumns, useColumnSpecs, useColumnsRun, useRewardModelRun, useRewardModels } from '../../store/columns';

export function ColumnsEditor({ catalog }: { catalog: CompareCatalog }) {
  const options = useColumnOptions();
  const columns = useColumnSpecs();
  const samples = useColumns((s) => s.samples);
  const rewardModels = useRewardModels();
  const rewardModelRun = useRewardModelRun();
  const rewardId = useId();
  const running = useColumnsRun().kind === 'running';
  const { setColumn, addColumn, removeColumn, sameBaseVsTrained, twoPersonas, setSamples, setRewardModel } = useColumns.getState();
  const rms = rewardModels.kind === 'ready' ? rewardModels.value : [];
  const samplesId = useId();
  const base = useId();
  const models = options.kind === 'ready' ? options.value : [];
  const [baseId, trainedId] = baseAndTrained(models);
  const unavailable = models.filter((m) => !m.available);
  const firstPersona = columns[0]?.personaId ?? catalog.personas[0]?.id ?? '';
  const otherPersona = () => {
    const a = catalog.personas.find((p) => p.id === firstPersona);
    return catalog.personas.find((p) => p.id !== firstPersona && p.tastes[0] && a?.tastes[0] && p.tastes[0].pole !== a.tastes[0].pole)?.id ?? catalog.personas[1]?.id ?? '';
  };
  const label = (id: string) => models.find((m) => m.id === id)?.label ?? id;

  return (
    <fieldset className="compare-columns-editor" disabled={running}>
      <legend>Columns: a model or policy, and the persona it writes for</legend>
      <div className="compare-columns-editor__presets">
        <button type="button" className="button button--ghost button--small" onClick={() => sameBaseVsTrained(firstPersona)}>
          Same persona: {label(baseId)} vs {label(trainedId)}
        </button>
        <button type="button" className="button button--ghost button--small" onClick={() => twoPersonas(columns[0]?.modelId ?? trainedId, firstPersona, otherPersona())}>
          Two personas, same model
        </button>
      </div>
      <ol className="compare-columns-editor__list">
        {columns.map((c, i) => (
          <li key={i} className="compare-columns-editor__row" data-testid={`column-spec-${i + 1}`}>
            <span className="compare-columns-editor__n" aria-hidden="true">
              {i + 1}
            </span>
            <div className="compare-field">
              <label htmlFor={`${base}-m${i}`}>Column {i + 1} model</label>
              <select id={`${base}-m${i}`} value={c.modelId} onChange={(e) => setColumn(i, { modelId: e.target.value })}>
                {models.map((m) => (
                  <option key={m.id} value={m.id} disabled={!m.available}>
                    {m.label}
                    {m.available ? '' : ' (unavailable)'}
                  </option>
                ))}
              </select>
            </div>
            <div className="compare-field compare-field--persona">
              <label htmlFor={`${base}-p${i}`}>Column {i + 1} persona</label>
              <select id={`${base}-p${i}`} value={c.personaId} onChange={(e) => setColumn(i, { personaId: e.target.value })}>
                {catalog.personas.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                  </option>
                ))}
              </select>
            </div>
            <button type="button" className="button button--ghost button--small" onClick={() => removeColumn(i)} disabled={columns.length <= 1} aria-label={`Remove column ${i + 1}`}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <div className="compare-controls__row">
        <button type="button" className="button button--ghost button--small" onClick={addColumn} disabled={columns.length >= 6}>
          Add column
        </button>
        <div className="compare-field compare-field--number">
          <label htmlFor={samplesId}>Samples per column</label>
          <input
            id={samplesId}
            type="number"
            min={1}
            max={16}
            step={1}
            value={samples}
            onChange={(e) => {
              const v = e.target.valueAsNumber;
              if (Number.isInteger(v) && v >= 1 && v <= 16) setSamples(v);
            }}
          />
        </div>
        <div className="compare-field">
          <label htmlFor={rewardId}>Reward model (Stage-1 run)</label>
          <select id={rewardId} value={rewardModelRun} onChange={(e) => setRewardModel(e.target.value)} aria-describedby={`${rewardId}-note`}>
            <option value="">none</option>
            {rms.map((r) => (
              <option key={r.ref} value={r.ref} disabled={!r.available}>
                {r.label}
                {r.available ? '' : ' (no conditional reward model kept)'}
              </option>
            ))}
          </select>
          <span id={`${rewardId}-note`} className="muted compare-field__note">
            {rms.some((r) => r.available) ? 'scores each answer for its column’s persona' : 'train a reward model in the Experiments view to score answers'}
          </span>
        </div>
      </div>
      {options.kind === 'error' && <p className="compare-error">Could not list the models: {options.message}</p>}
      {unavailable.length > 0 && (
        <ul className="muted compare-columns-editor__why">
          {unavailable.map((m) => (
            <li key={m.id}>
              {m.label}: {m.why}
            </li>
          ))}
        </ul>
      )}
      {!models.some((m) => m.id.startsWith('policy:')) && (
        <p className="muted compare-columns-editor__why">No trained Stage-2 policy yet: train one in the Policies view and it is offered here; until then “trained” is the built-in persona-reading model, “base” the persona-blind one.</p>
      )}
    </fieldset>
  );
}
