// The time a run has left, as its progress events report it: the rate of this session's progress
// so far carried over what remains. A resumed run counts only what it did since it resumed.

/**
 * Seconds left when `fraction` of the run is done, `startFraction` of it was done before this
 * session began and `elapsedSeconds` have passed since: null until the session has done enough
 * (more than half a percent, over more than a second) for its rate to mean something.
 */
export function etaSeconds(fraction: number, startFraction: number, elapsedSeconds: number): number | null {
  const doneHere = fraction - startFraction;
  return doneHere > 0.005 && elapsedSeconds > 1 ? (elapsedSeconds / doneHere) * (1 - fraction) : null;
}
