// What every store keeps for data it asks the worker for (idle, loading, ready, or the error in
// words), and how a failure from the worker is worded for the UI: one place for both.
import { errorText } from '../protocol/error-text';

export type Loadable<T> = { kind: 'idle' } | { kind: 'loading' } | { kind: 'ready'; value: T } | { kind: 'error'; message: string };

/** A thrown value as the UI shows it: in words, never the class name (comlink carries an
 * Error's name and message across; src/protocol/error-text.ts words them). */
export function errorMessage(e: unknown): string {
  return errorText(e);
}
