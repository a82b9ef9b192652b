// Editing a draft spec (plain JSON that may be invalid while the user types): read and write a
// value at a field path, and match the worker's error path to the control that edits it.

export type PathKey = string | number;

/** The worker's verdict on a draft, as every spec kind's checker words it (SpecCheck, PolicySpecCheck). */
export type DraftCheck = { ok: true; spec: unknown } | { ok: false; path: string; message: string };

export function getAt(root: unknown, path: readonly PathKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PathKey, unknown>)[key];
  }
  return node;
}

/** A copy of `root` with `value` at `path` (objects created on the way; undefined deletes). */
export function setAt(root: unknown, path: readonly PathKey[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path;
  const base = root !== null && typeof root === 'object' ? root : typeof key === 'number' ? [] : {};
  const copy = (Array.isArray(base) ? base.slice() : { ...base }) as Record<PathKey, unknown>;
  const next = setAt(copy[key], rest, value);
  if (next === undefined && !Array.isArray(copy)) delete copy[key];
  else copy[key] = next;
  return copy;
}

/** `arms[1].train.lr` for ['arms', 1, 'train', 'lr']: the form the validator reports. */
export function pathString(path: readonly PathKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}

/** A number input's value: the number, or the raw text so the validator names the field. */
export function numberOrText(input: HTMLInputElement): number | string {
  return input.value.trim() === '' || Number.isNaN(input.valueAsNumber) ? input.value : input.valueAsNumber;
}

/** The validator's complaint when it is about the field at `path` or anything inside it (so an
 * object-valued control such as `arms[0].method` is marked for `arms[0].method.beta`); else null.
 * A complaint with no path is about the whole spec and belongs to no field. */
export function complaintAt(check: DraftCheck | null, path: readonly PathKey[]): { path: string; message: string } | null {
  if (check === null || check.ok || check.path === '') return null;
  const p = pathString(path);
  return check.path === p || check.path.startsWith(`${p}.`) || check.path.startsWith(`${p}[`) ? check : null;
}
