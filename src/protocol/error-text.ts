// Errors as the user reads them: what went wrong in words, then the error's own message — never
// the internal class name ("DataFormatError: ..."). Errors cross the worker boundary with their
// class name in `name` (comlink keeps it); this is the one place that turns it into words.

/** Headings for the errors a user meets most, where the class name in words would read oddly. */
const HEADINGS: Record<string, string> = {
  DataFormatError: 'The data is not in the expected format',
  SpecError: 'The experiment spec is not valid',
  NoWebGPUError: 'WebGPU is not available',
  AdapterTimeoutError: 'The GPU did not answer in time',
  DeviceLostError: 'The GPU device was lost',
  OutOfMemoryError: 'Out of GPU memory',
  GpuValidationError: 'The GPU rejected a command',
  NonFiniteLossError: 'Training diverged (the loss is not a number)',
  StoreQuotaError: 'The browser storage is full',
  HttpStatusError: 'The download failed',
  FetchError: 'The download failed',
  ResumeError: 'The run cannot be resumed',
  RecordImportError: 'The file is not a run export',
  ModelTooLargeError: 'The model is too large for this device',
};

/** Names whose message says everything (a plain JS error, a cancel). */
const MESSAGE_ONLY = new Set(['Error', 'CancelledError', 'AbortError', 'ImportCancelledError', 'GenerationAbortedError', 'DownloadAbortedError']);

/** "DataFormatError" -> "Data format error"; "NoWebGPUError" -> "No WebGPU error". */
export function nameInWords(name: string): string {
  const parts = name.match(/WebGPU|[A-Z]+(?=[A-Z][a-z])|[A-Z][a-z0-9]*|[a-z0-9]+/g) ?? [name];
  return parts.map((w, i) => (i > 0 && w !== 'WebGPU' && !/^[A-Z0-9]{2,}$/.test(w) ? w.toLowerCase() : w)).join(' ');
}

/** An error's name and message as one sentence for the user. */
export function errorInWords(name: string | undefined, message: string): string {
  const text = message.trim();
  if (!name || MESSAGE_ONLY.has(name)) return text;
  const heading = HEADINGS[name] ?? (/Error$/.test(name) && !/^(Type|Range|Reference|Syntax|Eval|URI)Error$/.test(name) ? nameInWords(name) : null);
  if (!heading) return text;
  return text ? `${heading}: ${text}` : `${heading}.`;
}

/** Any thrown value as text for the user. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return errorInWords(e.name, e.message);
  if (e && typeof e === 'object' && 'message' in e && typeof (e as { message: unknown }).message === 'string') {
    const o = e as { name?: unknown; message: string };
    return errorInWords(typeof o.name === 'string' ? o.name : undefined, o.message);
  }
  return String(e);
}
