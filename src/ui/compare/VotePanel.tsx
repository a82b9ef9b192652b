// "Which is better for this persona?": for each persona, a click on the answer that suits it
// better; the votes are listed and exported as JSON (with what was compared and how).
import type { ComparePersona } from '../../protocol/models';
import { useCompare, useCompareRun, useVotes, votesJson } from '../../store/compare';

export function VoteQuestions({ personas }: { personas: ComparePersona[] }) {
  const run = useCompareRun();
  const votes = useVotes();
  const vote = useCompare((s) => s.vote);
  if (run.kind !== 'done') return null;
  const texts = run.outcome.generations.map((g) => g.text);
  const chosen = (personaId: string) =>
    votes.find((v) => v.judgedFor === personaId && v.seed === run.request.seed && v.instructionId === run.request.instructionId && v.texts.join('\u0000') === texts.join('\u0000'))?.preferred;
  return (
    <div className="panel compare-votes" data-testid="vote-questions">
      {personas.map((p, i) => {
        const picked = chosen(p.id);
        return (
          <fieldset key={p.id} className="compare-votes__question">
            <legend>
              Which answer is better for persona {i === 0 ? 'A' : 'B'} <span className="muted">({p.id})</span>?
            </legend>
            {['A', 'B'].map((side, col) => (
              <button key={side} type="button" className={`button ${picked === col ? '' : 'button--ghost'}`} aria-pressed={picked === col} onClick={() => vote(p.id, col)}>
                Answer {side}
              </button>
            ))}
          </fieldset>
        );
      })}
    </div>
  );
}

export function VoteLog() {
  const votes = useVotes();
  const clearVotes = useCompare((s) => s.clearVotes);
  if (votes.length === 0) return null;
  const download = () => {
    const url = URL.createObjectURL(new Blob([votesJson(votes)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'persona-lab-votes.json';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section className="panel compare-log" aria-labelledby="vote-log-title">
      <h3 id="vote-log-title" className="panel__title">
        Your votes ({votes.length})
      </h3>
      <table className="table table--compact">
        <thead>
          <tr>
            <th scope="col">Instruction</th>
            <th scope="col">For persona</th>
            <th scope="col">Better answer</th>
            <th scope="col">Seed</th>
          </tr>
        </thead>
        <tbody>
          {votes.map((v) => (
            <tr key={`${v.at}-${v.judgedFor}`}>
              <td>{v.instruction}</td>
              <td className="mono">{v.judgedFor}</td>
              <td>{v.personaIds[v.preferred] === v.judgedFor ? 'its own' : "the other persona's"}</td>
              <td className="mono">{v.seed}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="compare-log__actions">
        <button type="button" className="button" onClick={download} data-testid="export-votes">
          Export JSON
        </button>
        <button type="button" className="button button--ghost" onClick={clearVotes}>
          Clear
        </button>
      </div>
    </section>
  );
}
