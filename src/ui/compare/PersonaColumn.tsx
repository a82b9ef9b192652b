// One side of the comparison: a persona card (its strongest planted tastes, and its attributes as
// text, the ones the built-in model reads first) and the answer generated for it, streaming, with
// the built-in model's reading of the persona (its style line) above it.
import type { ComparePersona } from '../../protocol/models';

export interface AnswerView {
  text: string;
  /** The built-in model's reading of the persona (its style line). */
  style?: string;
  tokens: number;
  /** Why it stopped; absent while streaming. */
  stopReason?: string;
  streaming: boolean;
}

export function PersonaColumn({ side, persona, modelAttributes, answer }: { side: 'A' | 'B'; persona: ComparePersona; modelAttributes: readonly string[]; answer?: AnswerView }) {
  const read = new Set(modelAttributes);
  const first = persona.attributes.filter(([k]) => read.has(k));
  const rest = persona.attributes.filter(([k]) => !read.has(k));
  return (
    <article className="panel compare-column" aria-label={`Persona ${side}`} data-testid={`compare-column-${side}`}>
      <header className="compare-column__head">
        <span className="compare-column__side" aria-hidden="true">
          {side}
        </span>
        <h3 className="compare-column__title">{persona.label}</h3>
      </header>
      {persona.tastes.length > 0 && (
        <p className="compare-column__tastes">
          <span className="muted">Prefers </span>
          {persona.tastes.slice(0, 3).map((t) => (
            <span key={t.axis} className="tag" title={`${t.axis}: ${t.value.toFixed(2)}`}>
              {t.pole}
            </span>
          ))}
        </p>
      )}
      {answer?.style !== undefined && (
        <p className="compare-style" data-testid={`style-${side}`}>
          <span className="muted">How the model reads this persona: </span>
          {answer.style || '…'}
        </p>
      )}
      <div className="compare-answer" data-testid={`answer-${side}`} aria-live="polite" aria-busy={answer?.streaming ?? false}>
        {answer && answer.text !== '' ? answer.text : <span className="muted">{answer?.streaming ? 'Generating…' : 'No answer yet.'}</span>}
      </div>
      {answer && (
        <p className="muted compare-answer__meta">
          {answer.tokens} tokens{answer.stopReason ? `, stopped: ${answer.stopReason}` : ''}
        </p>
      )}
      <details className="compare-column__attrs">
        <summary>Attributes ({persona.attributes.length})</summary>
        <dl className="kv">
          {[...first, ...rest].map(([k, v]) => (
            <div key={k} className="kv__row">
              <dt>
                {k}
                {read.has(k) && <span className="compare-read"> · read by the model</span>}
              </dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </details>
    </article>
  );
}
