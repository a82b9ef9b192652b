// One plot of the Models of preference view: its title (what is drawn, in which units), the
// one-line reading, the chart (decoration for sighted readers) and its text equivalent, a table
// that lists every number drawn, folded under the chart.
import type { ReactNode } from 'react';

interface Props {
  id: string;
  title: string;
  reading: string;
  legend?: ReactNode;
  chart: ReactNode;
  /** The chart's numbers as a table (the text equivalent). */
  table: ReactNode;
  wide?: boolean;
}

export function Figure({ id, title, reading, legend, chart, table, wide }: Props) {
  return (
    <figure className={`mop-figure${wide ? ' mop-figure--wide' : ''}`} data-testid={`mop-${id}`} aria-labelledby={`mop-${id}-title`}>
      <figcaption>
        <span id={`mop-${id}-title`} className="mop-figure__title">
          {title}
        </span>
        <span className="mop-reading" data-testid={`mop-${id}-reading`}>
          {reading}
        </span>
      </figcaption>
      {legend}
      <div className="mop-figure__plot">{chart}</div>
      <details className="mop-table-fold">
        <summary>Numbers as a table</summary>
        <div className="mop-table-wrap" tabIndex={0} role="region" aria-label={`${title}: table`}>
          {table}
        </div>
      </details>
    </figure>
  );
}

/** A value with its interval as table text. */
export function Ci({ v, lo, hi, f }: { v: number; lo: number; hi: number; f: (x: number) => string }) {
  return (
    <>
      {f(v)} <span className="muted">[{f(lo)}, {f(hi)}]</span>
    </>
  );
}
