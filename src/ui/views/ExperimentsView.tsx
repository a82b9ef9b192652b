// The Experiments view. Run roleplay and few-shot baselines, train persona-conditional reward models and personalized policies, and follow their progress.
import { ViewHeader } from '../components/ViewHeader';

export function ExperimentsView() {
  return (
    <section aria-labelledby="view-title" data-view="experiments">
      <ViewHeader title="Experiments" description="Run roleplay and few-shot baselines, train persona-conditional reward models and personalized policies, and follow their progress." />
      <div className="empty-state">
        <p>Nothing here yet.</p>
      </div>
    </section>
  );
}
