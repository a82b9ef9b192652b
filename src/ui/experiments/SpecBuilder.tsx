// The spec builder: the fields people change most (name, seed, data size, arms with their method,
// attribute subset, model and training, the sweep), plus the whole spec as JSON for the rest.
// Every edit goes to the worker's validator; its message names the field, and that control is
// marked invalid. The draft may be invalid while typing; Run waits for a valid one.
import { useState, type ReactNode } from 'react';
import { useData } from '../../store/data';
import type { MethodOption } from '../../protocol/spec';
import { useDraft, useExperiments, useMethods, useSpecCheck } from '../../store/experiments';
import { getAt, numberOrText, pathString, setAt, type PathKey } from './spec-edit';

const SUBSETS = ['all', 'demographics', 'psychographics', 'none'] as const;

/** The catalogue entry an arm's method shows as: same kind, and same loss where kinds repeat. */
function methodValue(m: unknown, methods: readonly MethodOption[]): string {
  const same = methods.filter((o) => o.method.kind === getAt(m, ['kind']));
  return (same.find((o) => getAt(o.method, ['loss']) === getAt(m, ['loss'])) ?? same[0] ?? methods[0])?.value ?? '';
}

interface FieldProps {
  path: PathKey[];
  label: string;
  children?: ReactNode;
}

/** Shared state of the form: the draft, the error path, and the setter. */
function useField(path: PathKey[]) {
  const draft = useDraft();
  const check = useSpecCheck();
  const setDraft = useExperiments((s) => s.setDraft);
  const p = pathString(path);
  const invalid = check !== null && !check.ok && check.path !== '' && (check.path === p || check.path.startsWith(`${p}.`) || check.path.startsWith(`${p}[`));
  return { value: getAt(draft, path), invalid, set: (v: unknown) => void setDraft(setAt(useExperiments.getState().draft, path, v)) };
}

function NumberField({ path, label, step, nullable }: FieldProps & { step?: string; nullable?: boolean }) {
  const f = useField(path);
  const id = `spec-${pathString(path).replace(/[^a-z0-9]+/gi, '-')}`;
  return (
    <div className="exp-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        step={step ?? 'any'}
        aria-invalid={f.invalid || undefined}
        value={typeof f.value === 'number' || typeof f.value === 'string' ? f.value : ''}
        placeholder={nullable ? 'all' : undefined}
        onChange={(e) => f.set(nullable && e.currentTarget.value.trim() === '' ? null : numberOrText(e.currentTarget))}
      />
    </div>
  );
}

function TextField({ path, label }: FieldProps) {
  const f = useField(path);
  const id = `spec-${pathString(path).replace(/[^a-z0-9]+/gi, '-')}`;
  return (
    <div className="exp-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" aria-invalid={f.invalid || undefined} value={typeof f.value === 'string' ? f.value : ''} onChange={(e) => f.set(e.currentTarget.value)} />
    </div>
  );
}

function SelectField({ path, label, options, value, onChange, wide }: FieldProps & { options: ReadonlyArray<{ value: string; label: string }>; value: string; onChange(v: string): void; wide?: boolean }) {
  const f = useField(path);
  const id = `spec-${pathString(path).replace(/[^a-z0-9]+/gi, '-')}`;
  return (
    <div className={`exp-field${wide ? ' exp-field--wide' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={f.invalid || undefined} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function ArmEditor({ index, count }: { index: number; count: number }) {
  const draft = useDraft();
  const setDraft = useExperiments((s) => s.setDraft);
  const methods = useMethods();
  const arm = getAt(draft, ['arms', index]);
  const base: PathKey[] = ['arms', index];
  const put = (path: PathKey[], v: unknown) => void setDraft(setAt(useExperiments.getState().draft, [...base, ...path], v));
  const isLm = getAt(arm, ['model', 'kind']) === 'lm';
  const subsetKind = getAt(arm, ['subset', 'kind']);
  const subsetName = subsetKind === 'preset' || subsetKind === undefined ? String(getAt(arm, ['subset', 'name']) ?? 'all') : 'custom';
  const label = String(getAt(arm, ['label']) ?? `arm ${index + 1}`);
  return (
    <fieldset className="exp-arm">
      <legend>
        Arm {index + 1}: {label}
      </legend>
      <div className="exp-row">
        <TextField path={[...base, 'label']} label="Label" />
        <SelectField
          path={[...base, 'method']}
          label="Method"
          wide
          value={methodValue(getAt(arm, ['method']), methods)}
          options={methods}
          onChange={(v) => {
            const m = methods.find((x) => x.value === v);
            if (!m) return;
            let next = setAt(useExperiments.getState().draft, [...base, 'method'], structuredClone(m.method));
            // Roleplay and few-shot read a language model's answer; reward models default to features.
            if (m.method.kind !== 'reward-model') next = setAt(next, [...base, 'model'], { kind: 'lm' });
            void setDraft(next);
          }}
        />
        {getAt(arm, ['method', 'kind']) === 'few-shot' && (
          <SelectField
            path={[...base, 'method', 'k']}
            label="Examples (k)"
            value={String(getAt(arm, ['method', 'k']) ?? 2)}
            options={[0, 1, 2, 4, 8].map((k) => ({ value: String(k), label: String(k) }))}
            onChange={(v) => put(['method', 'k'], Number(v))}
          />
        )}
        <SelectField
          path={[...base, 'subset']}
          label="Attributes"
          value={subsetName}
          options={[...SUBSETS.map((s) => ({ value: s, label: s === 'none' ? 'none (marginal)' : s })), ...(subsetName === 'custom' ? [{ value: 'custom', label: 'custom (JSON)' }] : [])]}
          onChange={(v) => v !== 'custom' && put(['subset'], { kind: 'preset', name: v })}
        />
        <SelectField
          path={[...base, 'model']}
          label="Model"
          wide
          value={isLm ? `lm-${String(getAt(arm, ['model', 'mode']) ?? 'frozen')}` : 'features'}
          options={[
            { value: 'features', label: 'Bag of features' },
            { value: 'lm-frozen', label: 'Built-in LM, frozen + head' },
            { value: 'lm-lora', label: 'Built-in LM, LoRA' },
            { value: 'lm-full', label: 'Built-in LM, full finetune' },
          ]}
          onChange={(v) => put(['model'], v === 'features' ? { kind: 'features' } : v === 'lm-frozen' ? { kind: 'lm', mode: 'frozen' } : { kind: 'lm', mode: v.slice(3), input: 'joint' })}
        />
      </div>
      {getAt(arm, ['method', 'kind']) === 'reward-model' && (
        <div className="exp-row">
          <NumberField path={[...base, 'train', 'epochs']} label="Epochs" />
          <NumberField path={[...base, 'train', 'batchSize']} label="Batch size" step="1" />
          <NumberField path={[...base, 'train', 'lr']} label="Learning rate" />
          <NumberField path={[...base, 'train', 'weightDecay']} label="Weight decay" />
        </div>
      )}
      <div className="exp-arm__actions">
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={() => {
            const arms = (getAt(useExperiments.getState().draft, ['arms']) as unknown[]) ?? [];
            const copy = structuredClone(arms[index]) as Record<string, unknown>;
            copy.label = `${label} (copy)`;
            void setDraft(setAt(useExperiments.getState().draft, ['arms'], [...arms, copy]));
          }}
        >
          Duplicate arm {index + 1}
        </button>
        <button
          type="button"
          className="button button--ghost button--small"
          disabled={count <= 1}
          onClick={() => {
            const arms = (getAt(useExperiments.getState().draft, ['arms']) as unknown[]) ?? [];
            void setDraft(setAt(useExperiments.getState().draft, ['arms'], arms.filter((_, i) => i !== index)));
          }}
        >
          Remove arm {index + 1}
        </button>
      </div>
    </fieldset>
  );
}

function JsonEditor() {
  const draft = useDraft();
  const setDraft = useExperiments((s) => s.setDraft);
  const [text, setText] = useState(() => JSON.stringify(draft, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  // Follow outside changes (presets, the form) unless the text is mid-edit and unparsable
  // (adjusting state while rendering, as React recommends over an effect).
  const [seen, setSeen] = useState(draft);
  if (seen !== draft) {
    setSeen(draft);
    let same: boolean;
    try {
      same = JSON.stringify(JSON.parse(text)) === JSON.stringify(draft);
    } catch {
      same = true;
    }
    if (!same) setText(JSON.stringify(draft, null, 2));
  }
  return (
    <details className="exp-json">
      <summary>Edit the whole spec as JSON</summary>
      <label htmlFor="spec-json" className="exp-visually-hidden">
        Spec JSON
      </label>
      <textarea
        id="spec-json"
        spellCheck={false}
        rows={16}
        value={text}
        aria-invalid={parseError !== null || undefined}
        aria-describedby={parseError ? 'spec-json-error' : undefined}
        onChange={(e) => {
          const t = e.currentTarget.value;
          setText(t);
          try {
            const v = JSON.parse(t) as unknown;
            setParseError(null);
            void setDraft(v);
          } catch (err) {
            setParseError(err instanceof Error ? err.message : String(err));
          }
        }}
      />
      {parseError && (
        <p id="spec-json-error" className="exp-error" role="alert">
          Not valid JSON: {parseError}
        </p>
      )}
    </details>
  );
}

export function SpecBuilder() {
  const draft = useDraft();
  const check = useSpecCheck();
  const setDraft = useExperiments((s) => s.setDraft);
  const datasets = useData((s) => s.datasets);
  const arms = (getAt(draft, ['arms']) as unknown[] | undefined) ?? [];
  const source = String(getAt(draft, ['data', 'source']) ?? 'builtin');
  const sweepKind = String(getAt(draft, ['sweep', 'kind']) ?? 'none');
  const stored = datasets.kind === 'ready' ? datasets.value : [];
  if (draft === null) return null;
  return (
    <section className="panel exp-builder" aria-labelledby="builder-title">
      <h3 id="builder-title" className="panel__title">
        Spec
      </h3>
      {check && !check.ok && (
        <p className="exp-error" role="alert" data-testid="spec-error">
          {check.message}
        </p>
      )}
      <div className="exp-row">
        <TextField path={['name']} label="Name" />
        <NumberField path={['seed']} label="Seed" step="1" />
        <SelectField
          path={['data', 'source']}
          label="Dataset"
          wide
          value={source === 'stored' ? `stored:${String(getAt(draft, ['data', 'datasetId']))}` : source}
          options={[
            { value: 'builtin', label: 'Built-in (generated)' },
            ...stored.map((d) => ({ value: `stored:${d.id}`, label: `${d.name} (${d.personas} personas)` })),
            ...(source === 'path' ? [{ value: 'path', label: 'File on disk (CLI only)' }] : []),
          ]}
          onChange={(v) => void setDraft(setAt(useExperiments.getState().draft, ['data'], v === 'builtin' ? { source: 'builtin' } : { source: 'stored', datasetId: v.slice(7) }))}
        />
      </div>
      {source === 'builtin' && (
        <div className="exp-row">
          <NumberField path={['data', 'personas']} label="Personas" step="1" />
          <NumberField path={['data', 'questionsPerPersona']} label="Questions each" step="1" />
          <NumberField path={['data', 'noise']} label="Noise σ" />
          <NumberField path={['eval', 'maxPairsPerSet']} label="Test pairs per set (max)" step="1" nullable />
        </div>
      )}
      {arms.map((_, i) => (
        <ArmEditor key={i} index={i} count={arms.length} />
      ))}
      <div className="exp-row">
        <SelectField
          path={['sweep']}
          label="Sweep over arm 1"
          wide
          value={sweepKind}
          options={[
            { value: 'none', label: 'No sweep' },
            { value: 'subsets', label: 'Attribute subsets (none, demographics, psychographics)' },
            { value: 'leave-one-out', label: 'Leave one attribute out (33 runs)' },
          ]}
          onChange={(v) =>
            void setDraft(
              setAt(
                useExperiments.getState().draft,
                ['sweep'],
                v === 'none'
                  ? null
                  : v === 'subsets'
                    ? { kind: 'subsets', arm: 0, subsets: ['none', 'demographics', 'psychographics'].map((name) => ({ kind: 'preset', name })) }
                    : { kind: 'leave-one-out', arm: 0, attributes: null },
              ),
            )
          }
        />
      </div>
      <JsonEditor />
    </section>
  );
}
