// "Import JSON…": a file button that reads the chosen file's text and hands it to `onText` (the
// store's import), reporting a failure's message through `onError` (null when a new try starts).
// The input is cleared first, so choosing the same file again after fixing it imports again.
interface Props {
  onText(text: string): Promise<unknown>;
  onError(message: string | null): void;
  /** Read by screen readers after the visible label (what is imported). */
  hiddenName?: string;
  testId?: string;
}

export function ImportJsonButton({ onText, onError, hiddenName, testId }: Props) {
  return (
    <label className="button button--ghost button--small file-button">
      Import JSON…{hiddenName && <span className="exp-visually-hidden"> {hiddenName}</span>}
      <input
        type="file"
        accept="application/json,.json"
        data-testid={testId}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (!file) return;
          onError(null);
          void file
            .text()
            .then(onText)
            .catch((err: unknown) => onError(err instanceof Error ? err.message : String(err)));
        }}
      />
    </label>
  );
}
