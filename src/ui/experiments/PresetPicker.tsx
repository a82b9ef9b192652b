// The preset list: one radio per named preset with its description; picking one loads its spec
// into the builder. CLI-only presets (files on disk) are listed but not selectable here.
import { useExperiments, usePresets } from '../../store/experiments';

export function PresetPicker() {
  const presets = usePresets();
  const current = useExperiments((s) => s.preset);
  const choose = useExperiments((s) => s.choosePreset);
  return (
    <section className="panel" aria-labelledby="presets-title">
      <h3 id="presets-title" className="panel__title">
        Presets
      </h3>
      {presets.kind === 'loading' && <p className="muted">Loading presets…</p>}
      {presets.kind === 'error' && (
        <p role="alert" className="exp-error">
          {presets.message}
        </p>
      )}
      {presets.kind === 'ready' && (
        <fieldset className="exp-presets">
          <legend className="exp-visually-hidden">Start from a preset</legend>
          {presets.value.map((p) => (
            <label key={p.name} className={`exp-preset${current === p.name ? ' exp-preset--selected' : ''}`}>
              <input type="radio" name="preset" value={p.name} checked={current === p.name} disabled={p.where === 'cli'} onChange={() => void choose(p.name)} />
              <span>
                <strong>{p.title}</strong>
                {p.where === 'cli' && <span className="badge badge--warn">CLI only</span>}
                <span className="exp-preset__desc">{p.description}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </section>
  );
}
