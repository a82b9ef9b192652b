// The Compare view: one instruction answered in columns, each a (model or policy, persona) pair —
// "same persona, base against trained", "two personas, one model", or more columns — with several
// samples per column, each answer read by the truth judge; and blind rating, where pairs of those
// answers are shown with their authors hidden until the vote, and raters' votes are pooled and
// aggregated. The built-in model loads on first visit; the Models panel swaps in another checkpoint.
import { useEffect } from 'react';
import { useColumns, useCompareMode } from '../../store/columns';
import { useCompare, useCompareCatalog, useModelState } from '../../store/compare';
import { BlindRating } from '../compare/BlindRating';
import { ColumnsGrid } from '../compare/ColumnsGrid';
import { CompareControls } from '../compare/CompareControls';
import { ModelsPanel } from '../compare/ModelsPanel';
import { CompareJudge } from '../judge/CompareJudge';
import { VotesPool } from '../compare/VotesPool';
import '../compare/compare.css';
import { ViewHeader } from '../components/ViewHeader';

export function CompareView() {
  const catalog = useCompareCatalog();
  const model = useModelState();
  const mode = useCompareMode();

  useEffect(() => {
    const s = useCompare.getState();
    void s.loadCatalog().then(() => useColumns.getState().loadOptions());
    if (s.model.kind === 'none') void s.loadBuiltin();
  }, []);
  // A checkpoint loaded in the Models panel becomes a column option.
  useEffect(() => {
    if (model.kind === 'ready' && useCompare.getState().catalog.kind === 'ready') void useColumns.getState().loadOptions();
  }, [model]);

  return (
    <section aria-labelledby="view-title" data-view="compare" className="compare-view">
      <ViewHeader title="Compare" description="Answers side by side — base against trained, persona against persona — and blind rating a class can pool." />
      <ModelsPanel />
      {catalog.kind === 'error' && (
        <p className="compare-error" role="alert">
          Could not load the built-in personas: {catalog.message}
        </p>
      )}
      {catalog.kind !== 'ready' && catalog.kind !== 'error' && <p className="muted">Loading the built-in personas and instructions…</p>}
      {catalog.kind === 'ready' && (
        <>
          <div className="compare-mode" role="radiogroup" aria-label="Mode">
            {(
              [
                ['side', 'Side by side'],
                ['blind', 'Blind rating'],
              ] as const
            ).map(([m, label]) => (
              <label key={m} className={`compare-mode__option ${mode === m ? 'compare-mode__option--on' : ''}`}>
                <input type="radio" name="compare-mode" value={m} checked={mode === m} onChange={() => useColumns.getState().setMode(m)} />
                {label}
              </label>
            ))}
          </div>
          <CompareControls catalog={catalog.value} />
          {mode === 'side' ? (
            <>
              <ColumnsGrid catalog={catalog.value} />
              <CompareJudge catalog={catalog.value} />
            </>
          ) : (
            <>
              <BlindRating catalog={catalog.value} />
              <VotesPool />
            </>
          )}
        </>
      )}
    </section>
  );
}
