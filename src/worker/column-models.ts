// The models a Compare column can name, by id, resolved and cached in this worker: 'builtin' (the
// persona-reading built-in model, its guided decode), 'builtin:blind' (the same weights shown no
// persona: a persona-blind baseline when no persona-blind policy is shipped), 'builtin-policy'
// (the persona-blind SFT policy, public/models/builtin-policy, when it is there) and 'loaded' (the
// checkpoint the Models panel loaded) and every trained Stage-2 policy kept by the Policies view
// ('policy:<runId>:<arm>', ./policy-columns.ts).
import type { ModelOption } from '../protocol/rating';
import type { LlamaModel } from '../models/llama/model';
import type { TextTokenizer } from '../models/tokenizer';
import { loadModel } from '../models/load-model';
import { memoryFiles } from '../models/io/memory-files';
import { BUILTIN_POLICY_NAME } from '../models/builtin/policy-format';
import { backendFor } from './backend';
import { builtinBaseUrl, fetchBuiltinFiles } from './builtin-files';
import { currentModel } from './models';
import type { AttributeSubset } from '../data';
import type { PolicyLayout } from '../experiments/policy/prompts';
import { loadPolicyColumn, parsePolicyColumnId, policyColumnOptions } from './policy-columns';

/** How a column's prompt is written and read back. */
export type PromptKind =
  /** The built-in model: reads the persona into a style line, then answers (read-persona.ts). */
  | 'builtin-guided'
  /** The built-in model with no persona in its prompt: style line and answer written freely. */
  | 'builtin-blind'
  /** The persona-blind policy's layout: persona, question, "Answer:" (policy-format.ts). */
  | 'builtin-policy'
  /** A trained Stage-2 arm: the persona under its subset in its base's layout (policy-columns.ts). */
  | 'policy'
  /** Any other checkpoint: persona-prompt.ts. */
  | 'generic';

export interface ColumnModel {
  id: string;
  label: string;
  model: LlamaModel;
  tokenizer: TextTokenizer;
  prompt: PromptKind;
  /** For 'policy': the arm's layout and the persona lines it was trained to read. */
  policy?: { layout: PolicyLayout; subset: AttributeSubset };
}

export class UnknownColumnModelError extends Error {
  override name = 'UnknownColumnModelError';
}

const cache = new Map<string, Promise<{ model: LlamaModel; tokenizer: TextTokenizer }>>();

const policyBase = () => new URL(`../${BUILTIN_POLICY_NAME}/`, builtinBaseUrl()).href;

async function policyShipped(): Promise<boolean> {
  try {
    // A server with a single-page fallback answers 200 with index.html: the file must be JSON.
    const res = await fetch(policyBase() + 'config.json', { cache: 'no-store' });
    if (!res.ok) return false;
    const config: unknown = await res.json();
    return typeof config === 'object' && config !== null && 'model_type' in config;
  } catch {
    return false;
  }
}

/** What a column may pick now, with why the others cannot be picked. */
export async function columnModels(): Promise<ModelOption[]> {
  const loaded = currentModel();
  const policy = await policyShipped();
  return [
    { id: 'builtin', label: 'built-in model', about: 'SFT on tailored answers: reads the persona, says how, then answers', available: true },
    { id: 'builtin:blind', label: 'built-in model, persona hidden', about: 'the same weights shown no persona: a persona-blind baseline', available: true },
    {
      id: BUILTIN_POLICY_NAME,
      label: 'persona-blind SFT policy',
      about: 'answers in styles that ignore the persona (the Stage-2 starting policy)',
      available: policy,
      why: policy ? undefined : `not shipped with this build (public/models/${BUILTIN_POLICY_NAME}: npm run train:builtin-policy)`,
    },
    {
      id: 'loaded',
      label: loaded && loaded.info.source !== 'builtin' ? loaded.info.name : 'checkpoint from the Models panel',
      about: 'the checkpoint loaded in the Models panel',
      available: loaded !== null && loaded.info.source !== 'builtin',
      why: loaded && loaded.info.source !== 'builtin' ? undefined : 'load a checkpoint in the Models panel first',
    },
    ...(await policyColumnOptions()),
  ];
}

/** Loads a model the app ships (small: the cpu backend), once per folder. */
function shipped(base: string): Promise<{ model: LlamaModel; tokenizer: TextTokenizer }> {
  let p = cache.get(base);
  if (!p) {
    p = (async () => {
      const { files, where } = await fetchBuiltinFiles(undefined, base);
      const { backend } = await backendFor('cpu');
      return loadModel(backend, memoryFiles(files, where));
    })();
    cache.set(base, p);
    p.catch(() => cache.delete(base));
  }
  return p;
}

async function builtinModel(id: string, label: string, prompt: PromptKind): Promise<ColumnModel> {
  // The Models panel's built-in model when it holds it; else a copy, so the panel's checkpoint stays.
  const m = currentModel();
  const { model, tokenizer } = m?.info.source === 'builtin' ? m : await shipped(builtinBaseUrl());
  return { id, label, model, tokenizer, prompt };
}

const policies = new Map<string, Promise<ColumnModel>>();

/** A trained arm's policy, loaded once per id (its weights never change). */
function trainedPolicy(id: string): Promise<ColumnModel> {
  let p = policies.get(id);
  if (!p) {
    p = loadPolicyColumn(id).then((c) => ({ id, label: c.label, model: c.model, tokenizer: c.tokenizer, prompt: 'policy' as const, policy: { layout: c.layout, subset: c.subset } }));
    policies.set(id, p);
    p.catch(() => policies.delete(id));
  }
  return p;
}

/** The model behind a column's id (loaded once per id; 'loaded' is whatever the panel holds now). */
export async function resolve(id: string): Promise<ColumnModel> {
  if (id === 'loaded') {
    const m = currentModel();
    if (!m || m.info.source === 'builtin') throw new UnknownColumnModelError('No checkpoint is loaded in the Models panel: load one, or pick another model for this column.');
    return { id, label: m.info.name, model: m.model, tokenizer: m.tokenizer, prompt: m.builtin ? 'builtin-guided' : 'generic' };
  }
  if (id === 'builtin') return builtinModel(id, 'built-in model', 'builtin-guided');
  if (id === 'builtin:blind') return builtinModel(id, 'built-in model, persona hidden', 'builtin-blind');
  if (id === BUILTIN_POLICY_NAME) return { id, label: 'persona-blind SFT policy', ...(await shipped(policyBase())), prompt: 'builtin-policy' };
  if (parsePolicyColumnId(id)) return trainedPolicy(id);
  throw new UnknownColumnModelError(`Unknown model '${id}' for a Compare column (expected builtin, builtin:blind, ${BUILTIN_POLICY_NAME}, loaded or policy:<runId>:<arm>).`);
}
