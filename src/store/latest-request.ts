// Requests to the worker that overlap (the spec checked at each edit, the backend advice asked
// again): only the answer to the newest may land in the store, so a slow answer about an older
// draft never overwrites a newer one's.

/** Each call starts a request and returns its `isLatest`: true until a later request starts. */
export function latestRequest(): () => () => boolean {
  let last = 0;
  return () => {
    const mine = ++last;
    return () => mine === last;
  };
}
