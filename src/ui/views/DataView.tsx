// The Data view. Pick the built-in persona dataset or import PERSONA and OpinionQA files; browse personas and their attributes.
import { ViewHeader } from '../components/ViewHeader';

export function DataView() {
  return (
    <section aria-labelledby="view-title" data-view="data">
      <ViewHeader title="Data" description="Pick the built-in persona dataset or import PERSONA and OpinionQA files; browse personas and their attributes." />
      <div className="empty-state">
        <p>Nothing here yet.</p>
      </div>
    </section>
  );
}
