// One spec form for every kind of spec (Stage-1 experiments, Stage-2 policies): the Spec panel with
// the validator's message on top, the fields inside it (./SpecFields.tsx) and the whole spec as
// JSON at the bottom. Which store holds the draft, and how much a field says about its own
// error, is the form's `SpecForm`, handed to the fields through a context.
import { createContext, useContext, type ReactNode } from 'react';
import { SpecJsonEditor } from './SpecJsonEditor';
import { complaintAt, getAt, pathString, type DraftCheck, type PathKey } from './spec-edit';

export interface SpecForm {
  /** The start of every control's id ('spec', 'pol'): labels point at controls, tests find them by it. */
  idPrefix: string;
  /** Show the validator's message under the control it names; otherwise the control is only
   * marked invalid (the message stands above the form either way). */
  messagesUnderFields: boolean;
  /** An empty field shows the default the validator filled in as its placeholder. */
  defaultsAsPlaceholders: boolean;
  useDraft(): unknown;
  useCheck(): DraftCheck | null;
  /** Writes `value` at `path` of the store's current draft (the empty path: the whole draft). */
  edit(path: readonly PathKey[], value: unknown): void;
}

/** A spec field rendered outside a SpecFormPanel: it would not know which draft it edits. */
export class SpecFieldOutsideFormError extends Error {
  constructor() {
    super('A spec field was rendered outside a SpecFormPanel: render it inside the panel of the builder it belongs to.');
    this.name = 'SpecFieldOutsideFormError';
  }
}

const SpecFormContext = createContext<SpecForm | null>(null);

/** The id of the control that edits `path`. */
export function fieldId(idPrefix: string, path: readonly PathKey[]): string {
  return `${idPrefix}-${pathString(path).replace(/[^a-z0-9]+/gi, '-')}`;
}

/** A field's value, whether the validator complains about it (and in what words), its placeholder
 * default, and its setter. */
export function useSpecField(path: readonly PathKey[]) {
  const form = useContext(SpecFormContext);
  if (form === null) throw new SpecFieldOutsideFormError();
  const draft = form.useDraft();
  const check = form.useCheck();
  const complaint = complaintAt(check, path);
  // Under its own control the message need not repeat the field path it starts with.
  const error = complaint && form.messagesUnderFields ? complaint.message.replace(`${complaint.path}: `, '') : null;
  const value = getAt(draft, path);
  // A field the draft leaves out shows the default the validator filled in.
  const fallback = form.defaultsAsPlaceholders && value === undefined && check?.ok ? getAt(check.spec, path) : undefined;
  return {
    id: fieldId(form.idPrefix, path),
    value,
    invalid: complaint !== null,
    error,
    placeholder: typeof fallback === 'number' || typeof fallback === 'string' ? String(fallback) : undefined,
    set: (v: unknown) => form.edit(path, v),
  };
}

interface PanelProps {
  form: SpecForm;
  /** The heading's id (the panel is labelled by it) and the test id of the message on top. */
  titleId: string;
  errorTestId: string;
  /** The JSON editor's textarea id and its (visually hidden) label. */
  jsonId: string;
  jsonLabel: string;
  children: ReactNode;
}

export function SpecFormPanel({ form, titleId, errorTestId, jsonId, jsonLabel, children }: PanelProps) {
  const draft = form.useDraft();
  const check = form.useCheck();
  return (
    <SpecFormContext.Provider value={form}>
      <section className="panel exp-builder" aria-labelledby={titleId}>
        <h3 id={titleId} className="panel__title">
          Spec
        </h3>
        {check && !check.ok && (
          <p className="exp-error" role="alert" data-testid={errorTestId}>
            {check.message}
          </p>
        )}
        {children}
        <SpecJsonEditor id={jsonId} label={jsonLabel} draft={draft} onChange={(v) => form.edit([], v)} />
      </section>
    </SpecFormContext.Provider>
  );
}
