// Run records from an exported JSON file (one record or a list), each checked by the caller's
// `check` before any is kept; shared by the Results view's experiment runs and the Policies view's
// policy runs. `fail` makes the caller's own error (its name tells the UI which import failed).
export function readRecordFile<T>(text: string, check: (value: unknown, where: string) => T, fail: (message: string) => Error): T[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw fail(`The file is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw fail('The file holds an empty list: no record to import');
  return list.map((v, i) => check(v, list.length > 1 ? `record ${i + 1}` : 'the file'));
}
