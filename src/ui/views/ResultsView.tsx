// The Results view. Accuracy on generic-vs-tailored, cross-persona and unseen-persona pairs, with intervals, per method and attribute subset.
import { ViewHeader } from '../components/ViewHeader';

export function ResultsView() {
  return (
    <section aria-labelledby="view-title" data-view="results">
      <ViewHeader title="Results" description="Accuracy on generic-vs-tailored, cross-persona and unseen-persona pairs, with intervals, per method and attribute subset." />
      <div className="empty-state">
        <p>Nothing here yet.</p>
      </div>
    </section>
  );
}
