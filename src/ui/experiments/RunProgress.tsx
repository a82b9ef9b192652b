// The progress bar of the run in progress, with its share done, what it is doing and the time
// left: in the Run panel and beside the live run in the Results view's list (a resumed run shows
// it wherever it was resumed from).
import type { ProgressEvent } from '../../store/experiments';
import { duration, pct } from '../format';

export function RunProgress({ progress, resumed }: { progress: ProgressEvent | null; resumed?: boolean }) {
  return (
    <div className="exp-progress" role="status" aria-live="polite">
      <progress max={1} value={progress?.fraction ?? 0} aria-label="Run progress" />
      <p>
        <strong>{pct(progress?.fraction ?? 0, 0)}</strong> {progress?.message ?? (resumed ? 'Resuming…' : 'Starting…')}
        {progress && ` (arm ${progress.arm + 1} of ${progress.arms})`}
        {progress?.etaSeconds != null && <span className="muted"> · about {duration(progress.etaSeconds)} left</span>}
      </p>
    </div>
  );
}
