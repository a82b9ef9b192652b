// The policy spec builder: the fields people change most — name, seed, base policy, and per arm
// its conditioning (attribute subset), method (offline DPO, iterative DPO, PPO, RLOO, the
// baselines) with its hyper-parameters, the online methods' reward model, and training size — plus
// the evaluation's size and the whole spec as JSON for the rest. Every edit goes to the worker's
// validator; its message is shown under the control its field path names (and at the top).
import { usePolicies, usePolicyCheck, usePolicyDraft } from '../../store/policies';
import { NullableTextField, NumberField, SelectField, TextField } from '../components/spec-form/SpecFields';
import { SpecFormPanel, type SpecForm } from '../components/spec-form/SpecForm';
import { getAt, setAt, type PathKey } from '../components/spec-form/spec-edit';
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
  { value: 'directional-dpo', label: 'Directional DPO (a direction over the objectives)' },
  { value: 'roleplay', label: 'Roleplay (no training)' },
  { value: 'few-shot', label: 'Few-shot (no training)' },
] as const;

/** A copy of the current draft with `value` at `path`, handed to the validator. */
function edit(path: readonly PathKey[], value: unknown): void {
  void usePolicies.getState().setDraft(setAt(usePolicies.getState().draft, path, value));
}

/** The Policies view's form: each field says the validator's message about it, and shows the default it fills in. */
const FORM: SpecForm = { idPrefix: 'pol', messagesUnderFields: true, defaultsAsPlaceholders: true, useDraft: usePolicyDraft, useCheck: usePolicyCheck, edit };

function conditioningValue(c: unknown): string {
  const kind = getAt(c, ['kind']);
  if (kind === 'preset') return String(getAt(c, ['name']));
  const n = (getAt(c, ['attributes']) as unknown[] | undefined)?.length ?? 0;
  return `custom:${n}`;
}

/**
 * An online arm's starts: the base policy, or an earlier directional arm that writes for personas
 * (its policy, reading each persona as a direction). A start the draft names stays listed, so the
 * validator's message about it shows under this control.
 */
function startOptions(draft: unknown, index: number, current: unknown): { value: string; label: string }[] {
  const arms = (getAt(draft, ['arms']) as unknown[] | undefined) ?? [];
  const labels = arms
    .slice(0, index)
    .filter((a) => getAt(a, ['method', 'kind']) === 'directional-dpo' && getAt(a, ['method', 'placement']) === 'embedding' && getAt(a, ['method', 'personas']) === true)
    .map((a) => String(getAt(a, ['label'])));
  if (typeof current === 'string' && !labels.includes(current)) labels.push(current);
  return [{ value: '', label: 'the base policy' }, ...labels.map((l) => ({ value: l, label: `the directional policy “${l}”` }))];
}

function ArmEditor({ index }: { index: number }) {
  const draft = usePolicyDraft();
  const base: PathKey[] = ['arms', index];
  const arm = getAt(draft, base);
  const put = (path: PathKey[], v: unknown) => edit([...base, ...path], v);
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
          <SelectField
            path={[...base, 'method', 'valueHead']}
            label="Value head"
            value={String(getAt(arm, ['method', 'valueHead']) ?? 'shared')}
            options={[
              { value: 'shared', label: 'shared with the policy' },
              { value: 'detached', label: 'detached (own loss only)' },
            ]}
            onChange={(v) => put(['method', 'valueHead'], v)}
          />
          <NumberField path={[...base, 'method', 'valueLr']} label="Value head learning rate" nullable emptyMeans="the policy's" />
          <SelectField
            path={[...base, 'method', 'valueInit']}
            label="Value head starts at"
            value={String(getAt(arm, ['method', 'valueInit']) ?? 'zero')}
            options={[
              { value: 'zero', label: 'zero' },
              { value: 'mean-score', label: "the first rollout's mean score" },
            ]}
            onChange={(v) => put(['method', 'valueInit'], v)}
          />
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
          <NumberField path={[...base, 'method', 'temperature']} label="Sampling temperature" step="0.1" />
          <SelectField
            path={[...base, 'method', 'start']}
            label="Start from"
            wide
            value={String(getAt(arm, ['method', 'start']) ?? '')}
            options={startOptions(draft, index, getAt(arm, ['method', 'start']))}
            onChange={(v) => put(['method', 'start'], v === '' ? null : v)}
          />
        </div>
      )}
      {kind === 'directional-dpo' && (
        <div className="exp-row">
          <NullableTextField path={[...base, 'method', 'rewardModel']} label="Multi-objective reward model (a kept model)" emptyMeans="empty: fitted in this run on the world's pairs" />
          <NumberField path={[...base, 'method', 'minMargin']} label="Minimum label margin" />
          <NumberField path={[...base, 'method', 'judge', 'questions']} label="Held-out questions judged" step="1" />
          <SelectField
            path={[...base, 'method', 'directions']}
            label="Training directions"
            value={String(getAt(arm, ['method', 'directions']) ?? 'sphere')}
            options={[
              { value: 'sphere', label: 'uniform on the sphere' },
              { value: 'axis', label: 'one axis strong, as judged' },
            ]}
            onChange={(v) => put(['method', 'directions'], v)}
          />
        </div>
      )}
      {kind === 'directional-dpo' && (
        <div className="exp-row">
          <SelectField
            path={[...base, 'method', 'placement']}
            label="The policy reads the direction"
            value={String(getAt(arm, ['method', 'placement']) ?? 'system')}
            options={[
              { value: 'system', label: 'as text in the system message' },
              { value: 'question', label: 'as text after the question' },
              { value: 'embedding', label: 'as a learned embedding (no text)' },
            ]}
            onChange={(v) => put(['method', 'placement'], v)}
          />
          {getAt(arm, ['method', 'placement']) === 'embedding' && <NumberField path={[...base, 'method', 'conditionLr']} label="Embedding learning rate" nullable emptyMeans="the policy's" />}
          {getAt(arm, ['method', 'placement']) === 'embedding' && (
            <SelectField
              path={[...base, 'method', 'conditionRead']}
              label="Each position reads"
              value={String(getAt(arm, ['method', 'conditionRead']) ?? 'everywhere')}
              options={[
                { value: 'everywhere', label: 'the sum u · E' },
                { value: 'gated', label: 'gated, every block' },
                { value: 'gated-head', label: 'gated, LM head only' },
              ]}
              onChange={(v) => put(['method', 'conditionRead'], v)}
            />
          )}
          {getAt(arm, ['method', 'placement']) === 'embedding' && (getAt(arm, ['method', 'conditionRead']) ?? 'everywhere') !== 'everywhere' && <NumberField path={[...base, 'method', 'gateBias']} label="Gate bias at the start (0: half open)" step="0.5" />}
          {getAt(arm, ['method', 'placement']) === 'embedding' && (getAt(arm, ['method', 'conditionRead']) ?? 'everywhere') !== 'everywhere' && <NumberField path={[...base, 'method', 'gateParts']} label="Gated parts per objective" step="1" />}
          {getAt(arm, ['method', 'placement']) === 'embedding' && <NumberField path={[...base, 'method', 'squash']} label="Squash each component: read tanh(s · u_k) (0: as given)" step="1" />}
          {getAt(arm, ['method', 'placement']) === 'embedding' && <NumberField path={[...base, 'method', 'guidance']} label="Guidance γ when writing (0 = none)" step="0.5" />}
          {getAt(arm, ['method', 'placement']) === 'embedding' && <NumberField path={[...base, 'method', 'plausibility']} label="Plausibility α when writing: only tokens the policy without its direction gives ≥ α × its best (0 = none)" step="0.05" />}
          {getAt(arm, ['method', 'placement']) === 'embedding' && <NumberField path={[...base, 'method', 'conditionDropout']} label="Condition dropout (share of pairs trained at u = 0)" step="0.05" />}
          {/* Each persona at the direction a reward model on the arm's conditioning reads in it. */}
          {getAt(arm, ['method', 'placement']) === 'embedding' && (
            <SelectField
              path={[...base, 'method', 'personas']}
              label="Write for the evaluation personas"
              value={String(getAt(arm, ['method', 'personas']) ?? false)}
              options={[
                { value: 'false', label: 'no (judge only)' },
                { value: 'true', label: 'yes, as read' },
              ]}
              onChange={(v) => put(['method', 'personas'], v === 'true')}
            />
          )}
          {getAt(arm, ['method', 'personas']) === true && (
            <SelectField
              path={[...base, 'method', 'readerPairs']}
              label="The persona reader trains on"
              value={String(getAt(arm, ['method', 'readerPairs']) ?? 'generic+cross')}
              options={[
                { value: 'generic+cross', label: 'generic + cross' },
                { value: 'generic+cross+pole', label: 'generic + cross + pole' },
              ]}
              onChange={(v) => put(['method', 'readerPairs'], v)}
            />
          )}
          {getAt(arm, ['method', 'personas']) === true && <NumberField path={[...base, 'method', 'readers']} label="Persona readers averaged" step="1" />}
          {getAt(arm, ['method', 'personas']) === true && <NumberField path={[...base, 'method', 'personaStrength']} label="Strength each answer is written at" step="0.1" />}
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

export function PolicySpecBuilder() {
  const draft = usePolicyDraft();
  if (draft === null) return null;
  const arms = (getAt(draft, ['arms']) as unknown[] | undefined) ?? [];
  const baseKind = String(getAt(draft, ['base', 'kind']) ?? 'builtin-policy');
  return (
    <SpecFormPanel form={FORM} titleId="policy-builder-title" errorTestId="policy-spec-error" jsonId="policy-spec-json" jsonLabel="Policy spec JSON">
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
          onChange={(v) => edit(['base'], { kind: v })}
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
    </SpecFormPanel>
  );
}
