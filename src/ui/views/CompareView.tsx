// The Compare view: one instruction, two personas, the loaded model's answer for each side by
// side as it streams, and the person's verdict on which answer suits each persona. The built-in
// model loads on first visit; the Models panel swaps in another checkpoint.
import { useEffect } from 'react';
import { useCompare, useCompareCatalog, useCompareRun, useModelState } from '../../store/compare';
import { CompareControls } from '../compare/CompareControls';
import { ModelsPanel } from '../compare/ModelsPanel';
import { PersonaColumn, type AnswerView } from '../compare/PersonaColumn';
import { VoteLog, VoteQuestions } from '../compare/VotePanel';
import '../compare/compare.css';
import { ViewHeader } from '../components/ViewHeader';

export function CompareView() {
  const catalog = useCompareCatalog();
  const model = useModelState();
  const run = useCompareRun();
  const personaIds = useCompare((s) => s.personaIds);

  useEffect(() => {
    const s = useCompare.getState();
    void s.loadCatalog();
    if (s.model.kind === 'none') void s.loadBuiltin();
  }, []);

  const answers = (column: number): AnswerView | undefined => {
    if (run.kind === 'running') return { text: run.texts[column], style: run.styles[column], tokens: run.tokens[column], streaming: true };
    if (run.kind === 'done') {
      const g = run.outcome.generations[column];
      return g && { text: g.text, style: g.style, tokens: g.tokens, stopReason: g.stopReason, streaming: false };
    }
    return undefined;
  };

  return (
    <section aria-labelledby="view-title" data-view="compare" className="compare-view">
      <ViewHeader title="Compare" description="Generated responses side by side, persona against persona." />
      <ModelsPanel />
      {catalog.kind === 'error' && (
        <p className="compare-error" role="alert">
          Could not load the built-in personas: {catalog.message}
        </p>
      )}
      {catalog.kind !== 'ready' && catalog.kind !== 'error' && <p className="muted">Loading the built-in personas and instructions…</p>}
      {catalog.kind === 'ready' && (
        <>
          <CompareControls catalog={catalog.value} />
          {run.kind === 'error' && (
            <p className="compare-error" role="alert">
              Generation failed: {run.message}
            </p>
          )}
          {run.kind === 'done' && (
            <p className="muted compare-run-meta" data-testid="run-meta">
              {`${run.outcome.model} on ${run.outcome.backend}: ${run.outcome.tokensPerSecond.toFixed(0)} tokens/s, ${run.outcome.seconds.toFixed(1)} s`}
            </p>
          )}
          <div className="compare-columns">
            {personaIds.map((id, i) => {
              const persona = catalog.value.personas.find((p) => p.id === id);
              if (!persona) return null;
              const shownRun = run.kind === 'running' || run.kind === 'done' ? run.request.personaIds[i] === id : false;
              const readKeys = model.kind === 'ready' && !model.info.builtinFormat ? persona.attributes.map(([k]) => k) : catalog.value.modelAttributes;
              return <PersonaColumn key={`${i}-${id}`} side={i === 0 ? 'A' : 'B'} persona={persona} modelAttributes={readKeys} answer={shownRun ? answers(i) : undefined} />;
            })}
          </div>
          <VoteQuestions personas={personaIds.map((id) => catalog.value.personas.find((p) => p.id === id)).filter((p) => p !== undefined)} />
          <VoteLog />
        </>
      )}
    </section>
  );
}
