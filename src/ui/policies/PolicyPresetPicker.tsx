// Stage 2's presets (the runnable ones, the same as `npm run cli -- policy presets`): one radio per
// preset with its description; picking one loads its spec into the builder.
import { usePolicies } from '../../store/policies';

export function PolicyPresetPicker() {
  const presets = usePolicies((s) => s.presets);
  const current = usePolicies((s) => s.preset);
  const choose = usePolicies((s) => s.choosePreset);
  return (
    <section className="panel" aria-labelledby="policy-presets-title">
      <h3 id="policy-presets-title" className="panel__title">
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
          <legend className="exp-visually-hidden">Start from a policy preset</legend>
          {presets.value.map((p) => (
            <label key={p.name} className={`exp-preset${current === p.name ? ' exp-preset--selected' : ''}`}>
              <input type="radio" name="policy-preset" value={p.name} checked={current === p.name} onChange={() => void choose(p.name)} />
              <span>
                <strong>{p.title}</strong>
                <span className="exp-preset__desc">{p.description}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </section>
  );
}
