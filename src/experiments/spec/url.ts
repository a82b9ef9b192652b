// Specs in URLs, so a run can be shared: `#/experiments?spec=<base64url of compact JSON>`. Fields
// equal to their defaults are dropped first, which keeps links short; decoding goes through
// parseSpec, so a hand-edited link is validated like any other spec.
import { SpecError } from './schema';
import type { ExperimentSpec } from '../../protocol/spec';
import { parseSpec, parseSpecJson } from './validate';

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new SpecError('', 'the link\'s spec is not base64url text (was it cut or edited?)');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The smallest JSON value that `parse` completes back to `spec` (fields at their defaults removed). */
export function minimizeWith<T>(parse: (value: unknown) => T, spec: T): unknown {
  const full = parse(spec);
  const root = structuredClone(full) as unknown as Record<string, unknown>;
  const reparsesSame = () => {
    try {
      return same(parse(root), full);
    } catch {
      return false;
    }
  };
  const visit = (node: Record<string, unknown> | unknown[]) => {
    const keys = Array.isArray(node) ? [] : Object.keys(node);
    for (const key of keys) {
      const rec = node as Record<string, unknown>;
      const value = rec[key];
      delete rec[key];
      if (reparsesSame()) continue;
      rec[key] = value;
      if (value && typeof value === 'object') visit(value as Record<string, unknown>);
    }
    if (Array.isArray(node)) for (const item of node) if (item && typeof item === 'object') visit(item as Record<string, unknown>);
  };
  visit(root);
  return root;
}

/** The smallest JSON value that parses back to `spec` (fields at their defaults removed). */
export function minimizeSpec(spec: ExperimentSpec): unknown {
  return minimizeWith(parseSpec, spec);
}

/** Any spec kind as URL text: minimized with its parser, then base64url of the JSON. */
export function encodeWith<T>(parse: (value: unknown) => T, spec: T): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(minimizeWith(parse, spec))));
}

/** The inverse of encodeWith: decoded, then validated by `parseJson` like any other spec. */
export function decodeWith<T>(parseJson: (text: string) => T, param: string): T {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(param));
  } catch (e) {
    if (e instanceof SpecError) throw e;
    throw new SpecError('', 'the link\'s spec does not decode (was it cut or edited?)');
  }
  return parseJson(text);
}

export function encodeSpec(spec: ExperimentSpec): string {
  return encodeWith(parseSpec, spec);
}

export function decodeSpec(param: string): ExperimentSpec {
  return decodeWith(parseSpecJson, param);
}

/** The hash route that opens the Experiments view with `spec` loaded. */
export function specHash(spec: ExperimentSpec): string {
  return `#/experiments?spec=${encodeSpec(spec)}`;
}

/** The spec in a hash like `#/experiments?spec=...`, or null when there is none. */
export function specFromHash(hash: string): ExperimentSpec | null {
  const q = hash.indexOf('?');
  if (q < 0) return null;
  const param = new URLSearchParams(hash.slice(q + 1)).get('spec');
  return param ? decodeSpec(param) : null;
}
