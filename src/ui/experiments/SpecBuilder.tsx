// The spec builder: the fields people change most (name, seed, data size, arms with their method,
// attribute subset, model and training, the sweep), plus the whole spec as JSON for the rest.
// Every edit goes to the worker's validator; its message names the field, and that control is
// marked invalid. The draft may be invalid while typing; Run waits for a valid one.
import { useData } from '../../store/data';
import type { MethodOption } from '../../protocol/spec';
import { useDraft, useExperiments, useMethods, useSpecCheck } from '../../store/experiments';
import { NumberField, SelectField, TextField } from '../components/spec-form/SpecFields';
import { SpecFormPanel, type SpecForm } from '../components/spec-form/SpecForm';
import { getAt, setAt, type PathKey } from '../components/spec-form/spec-edit';

const SUBSETS = ['all', 'demographics', 'psychographics', 'none'] as const;

/** The catalogue entry an arm's method shows as: same kind, and same loss where kinds repeat. */
function methodValue(m: unknown, methods: readonly MethodOption[]): string {
  const same = methods.filter((o) => o.method.kind === getAt(m, ['kind']));
  return (same.find((o) => getAt(o.method, ['loss']) === getAt(m, ['loss'])) ?? same[0] ?? methods[0])?.value ?? '';
}

/** A copy of the current draft with `value` at `path`, handed to the validator. */
function edit(path: readonly PathKey[], value: unknown): void {
  void useExperiments.getState().setDraft(setAt(useExperiments.getState().draft, path, value));
}

/** The Experiments view's form: its fields are only marked invalid, the message stands above them. */
const FORM: SpecForm = { idPrefix: 'spec', messagesUnderFields: false, defaultsAsPlaceholders: false, useDraft, useCheck: useSpecCheck, edit };

function ArmEditor({ index, count }: { index: number; count: number }) {
  const draft = useDraft();
  const setDraft = useExperiments((s) => s.setDraft);
  const methods = useMethods();
  const arm = getAt(draft, ['arms', index]);
  const base: PathKey[] = ['arms', index];
  const put = (path: PathKey[], v: unknown) => edit([...base, ...path], v);
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
            edit(['arms'], [...arms, copy]);
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
            edit(['arms'], arms.filter((_, i) => i !== index));
          }}
        >
          Remove arm {index + 1}
        </button>
      </div>
    </fieldset>
  );
}

export function SpecBuilder() {
  const draft = useDraft();
  const datasets = useData((s) => s.datasets);
  const arms = (getAt(draft, ['arms']) as unknown[] | undefined) ?? [];
  const source = String(getAt(draft, ['data', 'source']) ?? 'builtin');
  const sweepKind = String(getAt(draft, ['sweep', 'kind']) ?? 'none');
  const stored = datasets.kind === 'ready' ? datasets.value : [];
  if (draft === null) return null;
  return (
    <SpecFormPanel form={FORM} titleId="builder-title" errorTestId="spec-error" jsonId="spec-json" jsonLabel="Spec JSON">
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
          onChange={(v) => edit(['data'], v === 'builtin' ? { source: 'builtin' } : { source: 'stored', datasetId: v.slice(7) })}
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
            edit(
              ['sweep'],
              v === 'none'
                ? null
                : v === 'subsets'
                  ? { kind: 'subsets', arm: 0, subsets: ['none', 'demographics', 'psychographics'].map((name) => ({ kind: 'preset', name })) }
                  : { kind: 'leave-one-out', arm: 0, attributes: null },
            )
          }
        />
      </div>
    </SpecFormPanel>
  );
}
