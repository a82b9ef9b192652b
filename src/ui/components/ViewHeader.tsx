// The title block every view starts with; its heading is what the skip link and screen readers land on.
export function ViewHeader({ title, description }: { title: string; description: string }) {
  return (
    <header className="view-header">
      <h2 id="view-title" className="view-header__title">
        {title}
      </h2>
      <p className="view-header__description">{description}</p>
    </header>
  );
}
