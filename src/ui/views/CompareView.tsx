// The Compare view. Generated responses side by side, persona against persona.
import { ViewHeader } from '../components/ViewHeader';

export function CompareView() {
  return (
    <section aria-labelledby="view-title" data-view="compare">
      <ViewHeader title="Compare" description="Generated responses side by side, persona against persona." />
      <div className="empty-state">
        <p>Nothing here yet.</p>
      </div>
    </section>
  );
}
