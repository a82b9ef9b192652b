// The app shell: header, navigation between the views, and the GPU panel. The current view lives
// in the URL hash (#/data, #/experiments, ...) so links and reloads land on the same view.
import { useEffect } from 'react';
import { useLab, useTheme, useView, viewFromHash } from '../store/lab';
import { FirstVisitGuide } from './components/FirstVisitGuide';
import { GpuPanel } from './components/GpuPanel';
import { Header } from './components/Header';
import { NavBar } from './components/NavBar';
import { CompareView } from './views/CompareView';
import { DataView } from './views/DataView';
import { ModelsView } from './views/ModelsView';
import { PoliciesView } from './views/PoliciesView';
import { ExperimentsView } from './views/ExperimentsView';
import { ResultsView } from './views/ResultsView';

const VIEW_COMPONENTS = {
  data: DataView,
  experiments: ExperimentsView,
  results: ResultsView,
  policies: PoliciesView,
  models: ModelsView,
  compare: CompareView,
};

export function App() {
  const view = useView();
  const theme = useTheme();
  const setView = useLab((s) => s.setView);
  const checkGpu = useLab((s) => s.checkGpu);

  useEffect(() => {
    const onHash = () => setView(viewFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [setView]);

  useEffect(() => {
    void checkGpu();
  }, [checkGpu]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const Current = VIEW_COMPONENTS[view];
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <NavBar current={view} />
      <div className="shell__body">
        <main id="main" className="shell__main" tabIndex={-1}>
          <FirstVisitGuide />
          <Current />
        </main>
        <aside className="shell__aside" aria-label="GPU">
          <GpuPanel />
        </aside>
      </div>
    </div>
  );
}
