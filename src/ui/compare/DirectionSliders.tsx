// A directional policy's column in Compare (issue 13, item 4): one slider per objective, from −1
// (the objective's − pole) to +1; the policy reads the direction normalized to unit length, one
// signed line per objective, as it was trained. Moving a slider regenerates the answers after a
// short pause (a drag is one regeneration, not one per step); a change made while answers are
// being written regenerates once they are done.
import { useEffect, useId, useRef } from 'react';
import { useColumns, useColumnSpecs, useColumnsRun } from '../../store/columns';
import { directionSummary } from './direction-summary';

const PAUSE_MS = 350;

export function DirectionSliders({ column, objectives, squash = 0 }: { column: number; objectives: readonly string[]; squash?: number }) {
  const spec = useColumnSpecs()[column];
  const running = useColumnsRun().kind === 'running';
  const base = useId();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef(false);
  const direction = spec?.direction && spec.direction.length === objectives.length ? spec.direction : objectives.map(() => 0);

  // A change that came while the answers were being written: regenerate when they are done.
  useEffect(() => {
    if (!running && pending.current) {
      pending.current = false;
      void useColumns.getState().generate();
    }
  }, [running]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const move = (k: number, value: number) => {
    const next = direction.map((x, j) => (j === k ? value : x));
    useColumns.getState().setColumn(column, { direction: next });
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (useColumns.getState().run.kind === 'running') pending.current = true;
      else void useColumns.getState().generate();
    }, PAUSE_MS);
  };

  return (
    <fieldset className="compare-direction" data-testid={`direction-${column + 1}`}>
      <legend>Direction over the objectives (−1: the objective&apos;s − pole, +1: its + pole)</legend>
      <div className="compare-direction__sliders">
        {objectives.map((o, k) => (
          <div key={o} className="compare-direction__slider">
            <label htmlFor={`${base}-${k}`}>{o}</label>
            <input id={`${base}-${k}`} type="range" min={-1} max={1} step={0.1} value={direction[k]} onChange={(e) => move(k, Number(e.target.value))} aria-valuetext={`${o} ${direction[k].toFixed(1)}`} />
            <output htmlFor={`${base}-${k}`}>{`${direction[k] > 0 ? '+' : ''}${direction[k].toFixed(1)}`}</output>
          </div>
        ))}
      </div>
      <p className="muted compare-direction__read" data-testid={`direction-read-${column + 1}`}>
        The policy reads: {directionSummary(objectives, direction, squash)}
      </p>
    </fieldset>
  );
}
