// The whole spec as JSON, in a collapsed section under a spec form: every parsable edit becomes the
// draft (the validator judges it like any field's), an unparsable one is said under the text.
import { useState } from 'react';

interface Props {
  /** The textarea's id (its error's id is `${id}-error`) and its visually hidden label. */
  id: string;
  label: string;
  draft: unknown;
  onChange(draft: unknown): void;
}

export function SpecJsonEditor({ id, label, draft, onChange }: Props) {
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
  const errorId = `${id}-error`;
  return (
    <details className="exp-json">
      <summary>Edit the whole spec as JSON</summary>
      <label htmlFor={id} className="exp-visually-hidden">
        {label}
      </label>
      <textarea
        id={id}
        spellCheck={false}
        rows={16}
        value={text}
        aria-invalid={parseError !== null || undefined}
        aria-describedby={parseError ? errorId : undefined}
        onChange={(e) => {
          const t = e.currentTarget.value;
          setText(t);
          try {
            const v = JSON.parse(t) as unknown;
            setParseError(null);
            onChange(v);
          } catch (err) {
            setParseError(err instanceof Error ? err.message : String(err));
          }
        }}
      />
      {parseError && (
        <p id={errorId} className="exp-error" role="alert">
          Not valid JSON: {parseError}
        </p>
      )}
    </details>
  );
}
