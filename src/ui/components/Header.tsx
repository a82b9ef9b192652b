// The top bar: the lab's name and the light/dark switch.
import { useLab, useTheme } from '../../store/lab';

export function Header() {
  const theme = useTheme();
  const setTheme = useLab((s) => s.setTheme);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <header className="header">
      <div className="header__brand">
        <span className="header__logo" aria-hidden="true" />
        <h1 className="header__title">Persona Lab</h1>
        <span className="header__tagline">personalized preference learning, on your GPU</span>
      </div>
      <button type="button" className="button button--ghost" onClick={() => setTheme(next)} aria-label={`Switch to ${next} theme`}>
        {theme === 'dark' ? 'Light theme' : 'Dark theme'}
      </button>
    </header>
  );
}
