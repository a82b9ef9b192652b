// Side by side: one column per (model, persona), its persona's strongest tastes, and each sample's
// answer as it streams, with the model's reading of the persona when it writes one, the truth
// judge's verdict, and the chosen Stage-1 reward model's score.
import type { CompareCatalog } from '../../protocol/models';
import type { ColumnAnswer, ColumnsOutcome, ModelOption } from '../../protocol/rating';
import { useColumnOptions, useColumnsRun } from '../../store/columns';
import { TruthVerdict } from './TruthVerdict';
import { DirectionSliders } from './DirectionSliders';

function rewardNote(rm: ColumnsOutcome['rewardModel']): string {
  if (!rm) return 'no reward model chosen (pick a Stage-1 run to score answers)';
  return 'error' in rm ? `not scored: ${rm.error}` : rm.description;
}

export function ColumnsGrid({ catalog }: { catalog: CompareCatalog }) {
  const run = useColumnsRun();
  const options = useColumnOptions();
  if (run.kind === 'idle') return <p className="muted">Pick the columns and press Generate.</p>;
  const req = run.request;
  const answers: ColumnAnswer[] = run.kind === 'done' ? run.outcome.answers : run.kind === 'running' ? run.answers : [];
  const models: ModelOption[] = options.kind === 'ready' ? options.value : [];
  const label = (id: string, i: number) => (run.kind === 'done' ? run.outcome.modelLabels[i] : (models.find((m) => m.id === id)?.label ?? id));
  return (
    <>
      {run.kind === 'error' && (
        <p className="compare-error" role="alert">
          Generation failed: {run.message}
        </p>
      )}
      {run.kind === 'done' && (
        <p className="muted compare-run-meta" data-testid="run-meta">
          {`${run.outcome.answers.length} answers in ${run.outcome.seconds.toFixed(1)} s · reward model: ${rewardNote(run.outcome.rewardModel)}`}
        </p>
      )}
      <div className="compare-columns" style={{ gridTemplateColumns: `repeat(${Math.min(req.columns.length, 3)}, minmax(0, 1fr))` }}>
        {req.columns.map((c, i) => {
          const persona = catalog.personas.find((p) => p.id === c.personaId);
          const mine = answers.filter((a) => a.column === i).sort((a, b) => a.sample - b.sample);
          return (
            <article key={i} className="panel compare-column" aria-label={`Column ${i + 1}: ${label(c.modelId, i)} for ${c.personaId}`} data-testid={`compare-column-${i + 1}`} data-direction={c.direction?.join(',')}>
              <header className="compare-column__head">
                <span className="compare-column__side" aria-hidden="true">
                  {i + 1}
                </span>
                <div>
                  <h3 className="compare-column__title">{label(c.modelId, i)}</h3>
                  <p className="compare-column__persona">{persona?.label ?? c.personaId}</p>
                </div>
              </header>
              {(() => {
                // A directional policy: sliders over its objectives (the live column, not the request's).
                const option = models.find((m) => m.id === c.modelId);
                return option?.objectives ? <DirectionSliders column={i} objectives={option.objectives} squash={option.squash} /> : null;
              })()}
              {persona && persona.tastes.length > 0 && (
                <p className="compare-column__tastes">
                  <span className="muted">Prefers </span>
                  {persona.tastes.slice(0, 3).map((t) => (
                    <span key={t.axis} className="tag" title={`${t.axis}: ${t.value.toFixed(2)}`}>
                      {t.pole}
                    </span>
                  ))}
                </p>
              )}
              {mine.length === 0 && <p className="muted">{run.kind === 'running' ? 'Waiting for its turn…' : 'No answer.'}</p>}
              {mine.map((a) => (
                <section key={a.sample} className="compare-sample" aria-label={`Sample ${a.sample + 1}`} data-testid={`answer-${i + 1}-${a.sample + 1}`}>
                  {req.samples > 1 && <h4 className="compare-sample__title">Sample {a.sample + 1}</h4>}
                  {a.style !== undefined && a.style !== '' && (
                    <p className="compare-style">
                      <span className="muted">How the model reads this persona: </span>
                      {a.style}
                    </p>
                  )}
                  <div className="compare-answer" aria-busy={run.kind === 'running'}>
                    {a.text !== '' ? a.text : <span className="muted">Generating…</span>}
                  </div>
                  {a.truth && <TruthVerdict truth={a.truth} />}
                  {a.reward !== undefined && (
                    <p className="compare-reward" data-testid="reward">
                      Reward-model score <strong>{a.reward.toFixed(2)}</strong> <span className="muted">(higher: the Stage-1 model expects this persona to like it more)</span>
                    </p>
                  )}
                  {run.kind === 'done' && <p className="muted compare-answer__meta">{`${a.tokens} tokens, stopped: ${a.stopReason}`}</p>}
                </section>
              ))}
            </article>
          );
        })}
      </div>
    </>
  );
}
