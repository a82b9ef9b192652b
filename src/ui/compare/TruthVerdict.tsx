// The truth judge's reading of one answer (built-in world): each axis of the question with the
// pole the answer expresses, marked ✓ when it is the persona's preferred pole and ✗ when it is the
// opposite, and the answer's true utility between the worst and the best possible.
import type { TruthView } from '../../protocol/rating';

export function TruthVerdict({ truth }: { truth: TruthView }) {
  const matches = truth.axes.filter((a) => a.match === true).length;
  return (
    <div className="truth" data-testid="truth">
      <p className="truth__utility">
        <span className="muted">True utility </span>
        <strong>{truth.utility.toFixed(2)}</strong>
        <span className="muted">{` (worst ${truth.worstUtility.toFixed(2)}, best ${truth.bestUtility.toFixed(2)}) · ${matches} of ${truth.axes.length} preferred poles`}</span>
        {!truth.valid && <span className="truth__invalid"> · invalid: {truth.invalidWhy}</span>}
      </p>
      <ul className="truth__axes" aria-label="Poles expressed against the persona's preferred poles">
        {truth.axes.map((a) => (
          <li key={a.axis} className={`truth__axis truth__axis--${a.match === true ? 'match' : a.match === false ? 'miss' : 'none'}`}>
            <span aria-hidden="true">{a.match === true ? '✓' : a.match === false ? '✗' : '–'}</span>{' '}
            <span className="visually-hidden">{a.match === true ? 'matches: ' : a.match === false ? 'misses: ' : 'no pole: '}</span>
            {a.expressed}
            {a.match !== true && <span className="muted">{` (prefers ${a.preferred})`}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
