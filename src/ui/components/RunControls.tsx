// The parts every spec's run panel shares (Experiments, Policies): the Run and Cancel buttons, the
// words for a run that stopped on an error, and the link that opens the spec being run.
import { errorInWords } from '../../protocol/error-text';

interface ButtonsProps {
  /** The Run button's words ("Run experiment", "Train policy") and the two buttons' test ids. */
  runLabel: string;
  startTestId: string;
  cancelTestId: string;
  /** A valid spec, checked, and nothing running. */
  canStart: boolean;
  running: boolean;
  cancelling: boolean;
  onStart(): void;
  onCancel(): void;
}

export function RunButtons({ runLabel, startTestId, cancelTestId, canStart, running, cancelling, onStart, onCancel }: ButtonsProps) {
  return (
    <div className="exp-run__buttons">
      <button type="button" className="button" disabled={!canStart} onClick={onStart} data-testid={startTestId}>
        {runLabel}
      </button>
      <button type="button" className="button button--ghost" disabled={!running || cancelling} onClick={onCancel} data-testid={cancelTestId}>
        {running && cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}

/** A saved run that failed: its error in words; its last checkpoint stays, to resume from. */
export function RunStoppedNote({ error }: { error: { name: string; message: string } | null | undefined }) {
  return <span className="exp-error">Stopped: {error ? errorInWords(error.name, error.message) : 'unknown error.'} The last checkpoint is kept.</span>;
}

/** The page's address with the spec in its hash (shown while the spec is valid). */
export function ShareLink({ id, hash }: { id: string; hash: string }) {
  return (
    <div className="exp-field exp-share">
      <label htmlFor={id}>Share link (opens this spec)</label>
      <input id={id} type="text" readOnly value={`${location.origin}${location.pathname}${hash}`} onFocus={(e) => e.currentTarget.select()} />
    </div>
  );
}
