// Where a checkpoint's files live: a Hugging Face hub repo at a revision, or any base URL holding
// the same file names. Only builds URLs; nothing here fetches.
import { InvalidRepoIdError } from '../errors';

export const HUB_ENDPOINT = 'https://huggingface.co';

export interface HubRepo {
  /** 'owner/name', e.g. 'HuggingFaceTB/SmolLM2-135M-Instruct'. */
  repo: string;
  /** A branch, tag or commit (default 'main'). */
  revision?: string;
  /** Another hub endpoint (a mirror); tests point it at a local server. */
  endpoint?: string;
}

/** A checkpoint's location: a hub repo, or a base URL (files are `${baseUrl}/${file}`). */
export type CheckpointLocation = { kind: 'hub'; hub: HubRepo } | { kind: 'url'; baseUrl: string };

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function validateRepoId(repo: string): void {
  const parts = repo.split('/');
  if (parts.length !== 2) throw new InvalidRepoIdError(repo, 'it must have exactly one /');
  for (const p of parts) {
    if (!NAME.test(p) || p.length > 96 || p.includes('..') || p.includes('--')) {
      throw new InvalidRepoIdError(repo, `'${p}' may use letters, digits, '-', '_' and '.', and must start and end with a letter or digit`);
    }
  }
}

/** https://huggingface.co/{repo}/resolve/{revision}/{file} with each part URL-encoded. */
export function hubFileUrl(hub: HubRepo, file: string): string {
  validateRepoId(hub.repo);
  const revision = hub.revision ?? 'main';
  if (revision.length === 0 || /\s/.test(revision)) throw new InvalidRepoIdError(hub.repo, `revision '${revision}' is not a branch, tag or commit`);
  const endpoint = (hub.endpoint ?? HUB_ENDPOINT).replace(/\/+$/, '');
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${hub.repo}/resolve/${encodeURIComponent(revision)}/${path}`;
}

export function fileUrl(loc: CheckpointLocation, file: string): string {
  if (loc.kind === 'hub') return hubFileUrl(loc.hub, file);
  return `${loc.baseUrl.replace(/\/+$/, '')}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** The cache group a location's files are stored under: one per repo and revision, or per URL. */
export function locationKey(loc: CheckpointLocation): string {
  if (loc.kind === 'hub') return `hf:${loc.hub.repo}@${loc.hub.revision ?? 'main'}${loc.hub.endpoint ? ` (${loc.hub.endpoint})` : ''}`;
  return loc.baseUrl.replace(/\/+$/, '');
}
