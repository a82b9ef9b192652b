// The policy spec builder: the fields people change most — name, seed, base policy, and per arm
// its conditioning (attribute subset), method (offline DPO, iterative DPO, PPO, RLOO, the
// baselines) with its hyper-parameters, the online methods' reward model, and training size — plus
// the evaluation's size and the whole spec as JSON for the rest. Every edit goes to the worker's
// validator; its message is shown under the control its field path names (and at the top).
import { useState, type ReactNode } from 'react';
import { usePolicies } from '../../store/policies';
import { getAt, numberOrText, pathString, setAt, type PathKey } from '../experiments/spec-edit';
import { DPO_LOSSES } from '../../protocol/policy';

/** Conditioning choices: the persona lines the built-in policies were trained on, or a preset subset. */
const CONDITIONING = [
  { value: 'none', label: 'None (marginal policy)' },
  { value: 'demographics', label: 'Demographics' },
  { value: 'psychographics', label: 'Psychographics' },
  { value: 'all', label: 'All attributes' },
] as const;

const METHODS = [
  { value: 'dpo', label: 'DPO (offline)' },
  { value: 'iterative-dpo', label: 'Iterative DPO (reward-model labels)' },
  { value: 'ppo', label: 'PPO (reward model)' },
  { value: 'rloo', label: 'RLOO (reward model)' },
  { value: 'roleplay', label: 'Roleplay (no training)' },
  { value: 'few-shot', label: 'Few-shot (no training)' },
] as const;

const idOf = (path: readonly PathKey[]) => `pol-${pathString(path).replace(/[^a-z0-9]+/gi, '-')}`;

function useField(path: PathKey[]) {
  const draft = usePolicies((s) => s.draft);
  const check = usePolicies((s) => s.check);
  const setDraft = usePolicies((s) => s.setDraft);
  const p = pathString(path);
  const mine = check !== null && !check.ok && check.path !== '' && (check.path === p || check.path.startsWith(`${p}.`) || check.path.startsWith(`${p}[`));
  // Under its own control the message need not repeat the field path it starts with.
  const error = mine ? check.message.replace(`${check.path}: `, '') : null;
  const value = getAt(draft, path);
  // A field the draft leaves out shows the default the validator filled in.
  const placeholder = value === undefined && check?.ok ? getAt(check.spec, path) : undefined;
  return { value, error, placeholder: typeof placeholder === 'number' || typeof placeholder === 'string' ? String(placeholder) : undefined, set: (v: unknown) => void setDraft(setAt(usePolicies.getState().draft, path, v)) };
}

function Field({ path, label, error, wide, children }: { path: PathKey[]; label: string; error: string | null; wide?: boolean; children: ReactNode }) {
  return (
    <div className={`exp-field${wide ? ' exp-field--wide' : ''}`}>
      <label htmlFor={idOf(path)}>{label}</label>
      {children}
      {error && (
        <span id={`${idOf(path)}-error`} className="pol-field-error" data-testid="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

function NumberField({ path, label, nullable, step }: { path: PathKey[]; label: string; nullable?: boolean; step?: string }) {
  const f = useField(path);
  return (
    <Field path={path} label={label} error={f.error}>
      <input
        id={idOf(path)}
        type="number"
        step={step ?? 'any'}
        aria-invalid={f.error ? true : undefined}
        aria-describedby={f.error ? `${idOf(path)}-error` : undefined}
        value={typeof f.value === 'number' || typeof f.value === 'string' ? f.value : ''}
        placeholder={f.placeholder ?? (nullable ? 'all' : undefined)}
        onChange={(e) => f.set(nullable && e.currentTarget.value.trim() === '' ? null : numberOrText(e.currentTarget))}
      />
    </Field>
  );
}

/** A text field whose empty value is null (the validator's "not set": method.rewardModelRun). */
function NullableTextField({ path, label, emptyMeans }: { path: PathKey[]; label: string; emptyMeans: string }) {
  const f = useField(path);
  return (
    <Field path={path} label={label} error={f.error} wide>
      <input id={idOf(path)} type="text" aria-invalid={f.error ? true : undefined} aria-describedby={f.error ? `${idOf(path)}-error` : undefined} value={typeof f.value === 'string' ? f.value : ''} placeholder={emptyMeans} onChange={(e) => f.set(e.currentTarget.value.trim() === '' ? null : e.currentTarget.value)} />
    </Field>
  );
}

function TextField({ path, label }: { path: PathKey[]; label: string }) {
  const f = useField(path);
  return (
    <Field path={path} label={label} error={f.error}>
      <input id={idOf(path)} type="text" aria-invalid={f.error ? true : undefined} aria-describedby={f.error ? `${idOf(path)}-error` : undefined} value={typeof f.value === 'string' ? f.value : ''} placeholder={f.placeholder} onChange={(e) => f.set(e.currentTarget.value)} />
    </Field>
  );
}

function SelectField({ path, label, value, options, onChange, wide }: { path: PathKey[]; label: string; value: string; options: ReadonlyArray<{ value: string; label: string }>; onChange(v: string): void; wide?: boolean }) {
  const f = useField(path);
  return (
    <Field path={path} label={label} error={f.error} wide={wide}>
      <select id={idOf(path)} aria-invalid={f.error ? true : undefined} aria-describedby={f.error ? `${idOf(path)}-error` : undefined} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

function conditioningValue(c: unknown): string {
  const kind = getAt(c, ['kind']);
  if (kind === 'preset') return String(getAt(c, ['name']));
  const n = (getAt(c, ['attributes']) as unknown[] | undefined)?.length ?? 0;
  return `custom:${n}`;
}

function ArmEditor({ index }: { index: number }) {
  const draft = usePolicies((s) => s.draft);
  const setDraft = usePolicies((s) => s.setDraft);
  const base: PathKey[] = ['arms', index];
  const arm = getAt(draft, base);
  const put = (path: PathKey[], v: unknown) => void setDraft(setAt(usePolicies.getState().draft, [...base, ...path], v));
  const kind = String(getAt(arm, ['method', 'kind']) ?? 'dpo');
  const loss = String(getAt(arm, ['method', 'loss']) ?? 'sigmoid');
  const cond = conditioningValue(getAt(arm, ['conditioning']));
  const custom = cond.startsWith('custom:');
  // A custom subset (the presets' persona lines) stays pickable while it is the arm's.
  const condOptions = custom ? [{ value: cond, label: `${cond.slice(7)} driver attributes` }, ...CONDITIONING] : CONDITIONING;
  const trained = kind !== 'roleplay' && kind !== 'few-shot';
  const online = kind === 'iterative-dpo' || kind === 'ppo' || kind === 'rloo';
  return (
    <fieldset className="exp-arm">
      <legend>
        Arm {index + 1}: {String(getAt(arm, ['label']) ?? '')}
      </legend>
      <div className="exp-row">
        <TextField path={[...base, 'label']} label="Label" />
        <SelectField
          path={[...base, 'conditioning']}
          label="Conditioning (attribute subset)"
          wide
          value={cond}
          options={condOptions}
          onChange={(v) => {
            if (!v.startsWith('custom:')) put(['conditioning'], { kind: 'preset', name: v });
          }}
        />
        <SelectField path={[...base, 'method', 'kind']} label="Method" value={kind} options={METHODS} onChange={(v) => put(['method'], { kind: v })} />
      </div>
      {(kind === 'dpo' || kind === 'iterative-dpo') && (
        <div className="exp-row">
          <SelectField path={[...base, 'method', 'loss']} label="Loss" value={loss} options={DPO_LOSSES.map((l) => ({ value: l, label: l }))} onChange={(v) => put(['method', 'loss'], v)} />
          <NumberField path={[...base, 'method', 'beta']} label="β (beta)" />
          {(loss === 'robust' || loss === 'sigmoid' || loss === 'simpo' || loss === 'rpo') && <NumberField path={[...base, 'method', 'labelSmoothing']} label="ε (label smoothing)" />}
          {loss === 'simpo' && <NumberField path={[...base, 'method', 'simpoGamma']} label="γ (SimPO margin)" />}
          {loss === 'rpo' && <NumberField path={[...base, 'method', 'rpoAlpha']} label="α (RPO NLL weight)" />}
          {kind === 'dpo' && (
            <SelectField
              path={[...base, 'method', 'pairs']}
              label="Pairs"
              value={String(getAt(arm, ['method', 'pairs']) ?? 'both')}
              options={[
                { value: 'both', label: 'generic and cross' },
                { value: 'generic', label: 'vs the generic answer' },
                { value: 'cross', label: "vs another persona's" },
              ]}
              onChange={(v) => put(['method', 'pairs'], v)}
            />
          )}
        </div>
      )}
      {kind === 'iterative-dpo' && (
        <div className="exp-row">
          <NumberField path={[...base, 'method', 'iterations']} label="Iterations" step="1" />
          <NumberField path={[...base, 'method', 'samplesPerPrompt']} label="Samples per prompt (K)" step="1" />
        </div>
      )}
      {kind === 'ppo' && (
        <div className="exp-row">
          <NumberField path={[...base, 'method', 'klCoef']} label="KL coefficient" />
          <NumberField path={[...base, 'method', 'rolloutsPerStep']} label="Rollouts per step" step="1" />
          <NumberField path={[...base, 'method', 'ppoEpochs']} label="PPO epochs" step="1" />
          <NumberField path={[...base, 'method', 'cliprange']} label="Clip range (ε)" />
          <NumberField path={[...base, 'method', 'cliprangeValue']} label="Value clip range" />
          <NumberField path={[...base, 'method', 'vfCoef']} label="Value loss weight" />
          <NumberField path={[...base, 'method', 'gamma']} label="γ (discount)" />
          <NumberField path={[...base, 'method', 'lam']} label="λ (GAE)" />
        </div>
      )}
      {kind === 'rloo' && (
        <div className="exp-row">
          <NumberField path={[...base, 'method', 'klCoef']} label="KL coefficient" />
          <NumberField path={[...base, 'method', 'rolloutsPerStep']} label="Prompts per step" step="1" />
          <NumberField path={[...base, 'method', 'k']} label="Answers per prompt (k)" step="1" />
          <NumberField path={[...base, 'method', 'cliprange']} label="Clip range (ε)" />
        </div>
      )}
      {online && (
        <div className="exp-row">
          <NullableTextField path={[...base, 'method', 'rewardModelRun']} label="Reward model (a Stage-1 run id, or RUN#ARM)" emptyMeans="empty: trained in this run on its pairs" />
        </div>
      )}
      {kind === 'few-shot' && (
        <div className="exp-row">
          <NumberField path={[...base, 'method', 'k']} label="Examples (k)" step="1" />
        </div>
      )}
      {trained && (
        <div className="exp-row">
          <SelectField path={[...base, 'train', 'mode']} label="Training" value={String(getAt(arm, ['train', 'mode']) ?? 'full')} options={[{ value: 'full', label: 'Full finetuning' }, { value: 'lora', label: 'LoRA' }]} onChange={(v) => put(['train', 'mode'], v)} />
          <NumberField path={[...base, 'train', 'epochs']} label="Epochs" />
          <NumberField path={[...base, 'train', 'batchSize']} label="Batch size" step="1" />
          <NumberField path={[...base, 'train', 'lr']} label="Learning rate" />
          <NumberField path={[...base, 'train', 'maxPairs']} label={online ? 'Training prompts (max)' : 'Training pairs (max)'} step="1" nullable />
        </div>
      )}
    </fieldset>
  );
}

function JsonEditor() {
  const draft = usePolicies((s) => s.draft);
  const setDraft = usePolicies((s) => s.setDraft);
  const [text, setText] = useState(() => JSON.stringify(draft, null, 2));
  const [seen, setSeen] = useState<unknown>(draft);
  const [parseError, setParseError] = useState<string | null>(null);
  // Follow edits made elsewhere (fields, presets) unless the text already says the same.
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
      <label htmlFor="policy-spec-json" className="exp-visually-hidden">
        Policy spec JSON
      </label>
      <textarea
        id="policy-spec-json"
        spellCheck={false}
        rows={16}
        value={text}
        aria-invalid={parseError !== null || undefined}
        aria-describedby={parseError ? 'policy-spec-json-error' : undefined}
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
        <p id="policy-spec-json-error" className="exp-error" role="alert">
          Not valid JSON: {parseError}
        </p>
      )}
    </details>
  );
}

export function PolicySpecBuilder() {
  const draft = usePolicies((s) => s.draft);
  const check = usePolicies((s) => s.check);
  const setDraft = usePolicies((s) => s.setDraft);
  if (draft === null) return null;
  const arms = (getAt(draft, ['arms']) as unknown[] | undefined) ?? [];
  const baseKind = String(getAt(draft, ['base', 'kind']) ?? 'builtin-policy');
  return (
    <section className="panel exp-builder" aria-labelledby="policy-builder-title">
      <h3 id="policy-builder-title" className="panel__title">
        Spec
      </h3>
      {check && !check.ok && (
        <p className="exp-error" role="alert" data-testid="policy-spec-error">
          {check.message}
        </p>
      )}
      <div className="exp-row">
        <TextField path={['name']} label="Name" />
        <NumberField path={['seed']} label="Seed" step="1" />
        <SelectField
          path={['base']}
          label="Base policy"
          wide
          value={baseKind}
          options={[
            { value: 'builtin-policy', label: 'Persona-blind SFT policy' },
            { value: 'builtin', label: 'Built-in persona-reading model' },
            ...(baseKind === 'path' ? [{ value: 'path', label: 'Checkpoint folder (CLI only)' }] : []),
          ]}
          onChange={(v) => void setDraft(setAt(usePolicies.getState().draft, ['base'], { kind: v }))}
        />
      </div>
      {arms.map((_, i) => (
        <ArmEditor key={i} index={i} />
      ))}
      <fieldset className="exp-arm">
        <legend>Evaluation</legend>
        <div className="exp-row">
          <NumberField path={['eval', 'seenPersonas']} label="Seen personas" step="1" />
          <NumberField path={['eval', 'unseenPersonas']} label="Unseen personas" step="1" />
          <NumberField path={['eval', 'questionsPerPersona']} label="Questions each" step="1" />
          <NumberField path={['eval', 'maxNewTokens']} label="Answer tokens (max)" step="1" />
        </div>
      </fieldset>
      <JsonEditor />
    </section>
  );
}
