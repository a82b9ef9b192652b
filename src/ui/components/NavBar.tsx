// Navigation between the lab's views: plain links to hash routes, so the browser's keyboard
// handling, history and "open in new tab" all work.
import type { View } from '../../store/lab';

const LABELS: Record<View, string> = {
  data: 'Data',
  experiments: 'Experiments',
  results: 'Results',
  policies: 'Policies',
  models: 'Models of preference',
  compare: 'Compare',
};

export function NavBar({ current }: { current: View }) {
  return (
    <nav className="nav" aria-label="Views">
      <ul className="nav__list">
        {(Object.keys(LABELS) as View[]).map((view) => (
          <li key={view}>
            <a className="nav__link" href={`#/${view}`} aria-current={view === current ? 'page' : undefined}>
              {LABELS[view]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
