// The controls of a spec form: number, text, nullable text and select fields, each bound to a
// field path of the draft through the SpecFormPanel around it (src/ui/components/spec-form/SpecForm.tsx),
// marked invalid when the validator's error path names it or something inside it.
import type { ReactNode } from 'react';
import { useSpecField } from './SpecForm';
import { numberOrText, type PathKey } from './spec-edit';

type Field = ReturnType<typeof useSpecField>;

/** The label, the control, and (when the form says so) the validator's message under it. */
function FieldFrame({ f, label, wide, children }: { f: Field; label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={`exp-field${wide ? ' exp-field--wide' : ''}`}>
      <label htmlFor={f.id}>{label}</label>
      {children}
      {f.error && (
        <span id={`${f.id}-error`} className="pol-field-error" data-testid="field-error">
          {f.error}
        </span>
      )}
    </div>
  );
}

/** What every control carries: its id, and its invalid mark with what describes it. */
function controlProps(f: Field) {
  return { id: f.id, 'aria-invalid': f.invalid || undefined, 'aria-describedby': f.error ? `${f.id}-error` : undefined };
}

/** A number; with `nullable`, empty means null ("all"). Text that is not a number goes to the validator as typed. */
/** `nullable`: an empty field is null; `emptyMeans` is then its placeholder (default "all": a cap that is off). */
export function NumberField({ path, label, step, nullable, emptyMeans }: { path: PathKey[]; label: string; step?: string; nullable?: boolean; emptyMeans?: string }) {
  const f = useSpecField(path);
  return (
    <FieldFrame f={f} label={label}>
      <input
        {...controlProps(f)}
        type="number"
        step={step ?? 'any'}
        value={typeof f.value === 'number' || typeof f.value === 'string' ? f.value : ''}
        placeholder={f.placeholder ?? (nullable ? (emptyMeans ?? 'all') : undefined)}
        onChange={(e) => f.set(nullable && e.currentTarget.value.trim() === '' ? null : numberOrText(e.currentTarget))}
      />
    </FieldFrame>
  );
}

export function TextField({ path, label }: { path: PathKey[]; label: string }) {
  const f = useSpecField(path);
  return (
    <FieldFrame f={f} label={label}>
      <input {...controlProps(f)} type="text" value={typeof f.value === 'string' ? f.value : ''} placeholder={f.placeholder} onChange={(e) => f.set(e.currentTarget.value)} />
    </FieldFrame>
  );
}

/** A text field whose empty value is null (the validator's "not set": method.rewardModelRun). */
export function NullableTextField({ path, label, emptyMeans }: { path: PathKey[]; label: string; emptyMeans: string }) {
  const f = useSpecField(path);
  return (
    <FieldFrame f={f} label={label} wide>
      <input {...controlProps(f)} type="text" value={typeof f.value === 'string' ? f.value : ''} placeholder={emptyMeans} onChange={(e) => f.set(e.currentTarget.value.trim() === '' ? null : e.currentTarget.value)} />
    </FieldFrame>
  );
}

/** A choice; the caller maps the draft to `value` and a choice back to the draft (`onChange`). */
export function SelectField({ path, label, value, options, onChange, wide }: { path: PathKey[]; label: string; value: string; options: ReadonlyArray<{ value: string; label: string }>; onChange(v: string): void; wide?: boolean }) {
  const f = useSpecField(path);
  return (
    <FieldFrame f={f} label={label} wide={wide}>
      <select {...controlProps(f)} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}
