// Blind rating: one pair at a time, its two answers in a seeded order with the models and the
// judges' scores hidden until the vote (A better / B better / tie / both bad, keys 1–4), then
// revealed, and Next (Enter or N). Works from the keyboard alone: the keys act anywhere in the
// view except inside a text field, and focus moves to the next control after each step.
import { useEffect, useId, useRef } from 'react';
import type { CompareCatalog } from '../../protocol/models';
import type { RatingItem, VoteChoice } from '../../protocol/rating';
import { useColumns, useColumnsRun } from '../../store/columns';

const CHOICES: Array<{ key: string; choice: VoteChoice; label: string }> = [
  { key: '1', choice: 'A', label: 'A is better' },
  { key: '2', choice: 'B', label: 'B is better' },
  { key: '3', choice: 'tie', label: 'Tie' },
  { key: '4', choice: 'both-bad', label: 'Both bad' },
];

const choiceText = (c: VoteChoice) => CHOICES.find((x) => x.choice === c)?.label ?? c;

function truthSays(item: RatingItem): string {
  const [a, b] = item.answers.map((x) => x.truth);
  if (!a || !b) return 'no truth judge on this dataset';
  if (a.valid !== b.valid) return a.valid ? 'A is better (B is invalid)' : 'B is better (A is invalid)';
  if (!a.valid) return 'tie (both invalid)';
  return a.utility === b.utility ? 'tie' : a.utility > b.utility ? 'A is better' : 'B is better';
}

function typing(t: EventTarget | null): boolean {
  return t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

export function BlindRating({ catalog }: { catalog: CompareCatalog }) {
  const queue = useColumns((s) => s.queue);
  const position = useColumns((s) => s.position);
  const voted = useColumns((s) => s.voted);
  const rater = useColumns((s) => s.rater);
  const voteError = useColumns((s) => s.voteError);
  const run = useColumnsRun();
  const { vote, next, setRater } = useColumns.getState();
  const raterId = useId();
  const nextRef = useRef<HTMLButtonElement>(null);
  const firstRef = useRef<HTMLButtonElement>(null);
  const item = queue[position];
  const choice = item ? voted[item.id] : undefined;
  const done = Object.keys(voted).length;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
      const s = useColumns.getState();
      const current = s.queue[s.position];
      if (!current) return;
      const c = CHOICES.find((x) => x.key === e.key);
      if (c && !(current.id in s.voted)) {
        e.preventDefault();
        void s.vote(c.choice);
      } else if ((e.key === 'n' || e.key === 'N') && current.id in s.voted) {
        e.preventDefault();
        s.next();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // After a vote, focus goes to Next; on a new pair, to its first choice.
  useEffect(() => {
    if (choice) nextRef.current?.focus();
  }, [choice]);
  useEffect(() => {
    if (item && !voted[item.id] && position > 0) firstRef.current?.focus();
  }, [position, item, voted]);

  const persona = item ? catalog.personas.find((p) => p.id === item.personaId) : undefined;
  return (
    <section className="panel blind" aria-labelledby="blind-title" data-testid="blind-rating">
      <div className="blind__head">
        <h3 id="blind-title" className="panel__title">
          Blind rating
        </h3>
        <div className="compare-field">
          <label htmlFor={raterId}>Your name (optional)</label>
          <input id={raterId} type="text" value={rater} onChange={(e) => setRater(e.target.value)} autoComplete="off" placeholder="anonymous" />
        </div>
      </div>
      <p className="muted blind__keys">Keys: 1 A better · 2 B better · 3 tie · 4 both bad · Enter or N next pair. Models and scores stay hidden until you vote.</p>
      <p className="blind__progress" role="status" data-testid="blind-progress">
        {item ? `Pair ${position + 1} of ${queue.length}` : queue.length > 0 ? 'All pairs generated so far are rated: generate more, or look at the pooled votes.' : run.kind === 'running' ? 'Generating pairs…' : 'No pairs yet: press “Generate rating pairs”.'}
        {` · ${done} vote${done === 1 ? '' : 's'} this session`}
      </p>
      {run.kind === 'error' && (
        <p className="compare-error" role="alert">
          Could not make rating pairs: {run.message}
        </p>
      )}
      {item && (
        <div className="blind__item" data-testid="blind-item">
          <p className="blind__question">
            <span className="muted">Question: </span>
            {item.instruction}
          </p>
          <p className="blind__persona">
            <span className="muted">Which answer is better for </span>
            <strong>{item.personaLabel}</strong>
            {persona && persona.tastes.length > 0 && <span className="muted">{` — prefers ${persona.tastes.slice(0, 3).map((t) => t.pole).join(', ')}`}</span>}?
          </p>
          <div className="blind__answers">
            {item.answers.map((a, i) => (
              <article key={i} className="blind__answer" aria-label={`Answer ${i === 0 ? 'A' : 'B'}`} data-testid={`blind-answer-${i === 0 ? 'A' : 'B'}`}>
                <h4 className="blind__answer-title">Answer {i === 0 ? 'A' : 'B'}</h4>
                <p className="compare-answer">{a.text || <span className="muted">(empty answer)</span>}</p>
                {choice && (
                  <p className="blind__reveal" data-testid={`reveal-${i === 0 ? 'A' : 'B'}`}>
                    <strong>{a.system}</strong>
                    {a.truth && <span className="muted">{` · true utility ${a.truth.utility.toFixed(2)}${a.truth.valid ? '' : ' (invalid)'}`}</span>}
                    <span className="muted">{a.reward !== undefined ? ` · reward ${a.reward.toFixed(2)}` : ' · no reward model chosen'}</span>
                  </p>
                )}
              </article>
            ))}
          </div>
          <div className="blind__choices" role="group" aria-label="Your vote">
            {CHOICES.map((c, i) => (
              <button
                key={c.choice}
                ref={i === 0 ? firstRef : undefined}
                type="button"
                className={`button ${choice === c.choice ? '' : 'button--ghost'}`}
                aria-pressed={choice === c.choice}
                aria-keyshortcuts={c.key}
                disabled={choice !== undefined}
                onClick={() => void vote(c.choice)}
              >
                <kbd>{c.key}</kbd> {c.label}
              </button>
            ))}
          </div>
          {voteError && (
            <p className="compare-error" role="alert">
              {voteError}
            </p>
          )}
          <div aria-live="polite">
            {choice && (
              <div className="blind__after" data-testid="blind-revealed">
                <p>
                  You voted <strong>{choiceText(choice)}</strong>. Truth judge: {truthSays(item)}.
                </p>
                <button ref={nextRef} type="button" className="button" onClick={next} aria-keyshortcuts="Enter N">
                  Next pair
                </button>
              </div>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
