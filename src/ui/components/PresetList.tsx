// One list of presets for every kind of run (Stage-1 experiments, Stage-2 policies): a radio per
// preset with its description; picking one hands its name to the caller, which loads its spec.
// Presets that only the CLI can run (files on disk) are listed but not selectable.
import type { Loadable } from '../../store/loadable';

export interface PresetItem {
  name: string;
  title: string;
  description: string;
  /** 'cli': only the CLI can run it (its data are files on disk). */
  where?: string;
}

interface Props {
  /** Distinguishes the radio group and heading ids when two lists share a page. */
  group: string;
  legend: string;
  presets: Loadable<readonly PresetItem[]>;
  current: string | null | undefined;
  onChoose: (name: string) => void;
}

export function PresetList({ group, legend, presets, current, onChoose }: Props) {
  const titleId = `${group}-title`;
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h3 id={titleId} className="panel__title">
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
          <legend className="exp-visually-hidden">{legend}</legend>
          {presets.value.map((p) => (
            <label key={p.name} className={`exp-preset${current === p.name ? ' exp-preset--selected' : ''}`}>
              <input type="radio" name={group} value={p.name} checked={current === p.name} disabled={p.where === 'cli'} onChange={() => onChoose(p.name)} />
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
