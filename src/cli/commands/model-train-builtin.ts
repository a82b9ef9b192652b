// `model train-builtin` (npm run train:builtin): trains the built-in tiny model and its tokenizer
// on the built-in dataset with our engine on the cpu backend, deterministically from the seed,
// and writes the Hugging Face folder the app loads (public/models/builtin by default) plus
// training.json, the run's report (sizes, tokens, losses, time, sample answers). `--recipe
// persona-blind` (npm run train:builtin-policy) trains the persona-blind SFT policy instead, into
// public/models/builtin-policy.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { folderFiles } from '../../models/io/node-files';
import { loadModel } from '../../models/load-model';
import { createBackend } from '../../tensor';
import type { BuiltinLabels } from '../../train/builtin/documents';
import { BUILTIN_POLICY_NAME } from '../../models/builtin/policy-format';
import { BUILTIN_TRAINING, POLICY_TRAINING, trainBuiltin, type BuiltinRecipe, type BuiltinTrainOptions } from '../../train/builtin/train';
import { parseFlags, UsageError, type CliCommand } from '../command';

export const BUILTIN_DIR = 'public/models/builtin';
export const BUILTIN_POLICY_DIR = `public/models/${BUILTIN_POLICY_NAME}`;

function recipeFlag(v: string | true | undefined): BuiltinRecipe {
  if (v === undefined) return 'persona-reading';
  if (v === 'persona-reading' || v === 'persona-blind') return v;
  throw new UsageError(`--recipe must be persona-reading or persona-blind, got ${String(v)}`);
}

function labelsFlag(v: string | true | undefined): BuiltinLabels {
  if (v === undefined) return BUILTIN_TRAINING.labels;
  if (v === 'rows' || v === 'persona-majority') return v;
  throw new UsageError(`--labels must be rows or persona-majority, got ${String(v)}`);
}

export const modelTrainBuiltin: CliCommand = {
  path: ['model', 'train-builtin'],
  summary: 'Train the built-in tiny model and its tokenizer (cpu, deterministic)',
  usage: [
    `--recipe persona-reading|persona-blind (persona-reading)   the built-in model, or the persona-blind SFT policy (defaults below: the built-in model's; the policy's differ in --out ${BUILTIN_POLICY_DIR}, --decision-weight ${POLICY_TRAINING.decisionWeight}, --free-answers ${POLICY_TRAINING.freeAnswers})`,
    `--out DIR (${BUILTIN_DIR})   --steps N (${BUILTIN_TRAINING.steps})   --seed S (${BUILTIN_TRAINING.seed})`,
    `--lr X (${BUILTIN_TRAINING.lr})   --batch B (${BUILTIN_TRAINING.batchRows})   --seq T (${BUILTIN_TRAINING.seqLen})   --dry-run trains but writes nothing`,
    `--decision-weight W (${BUILTIN_TRAINING.decisionWeight})   --labels rows|persona-majority (${BUILTIN_TRAINING.labels})   what a training row teaches`,
    `--init-from DIR   start from the weights of a checkpoint folder of the same shape (fresh optimizer and schedule); npm run train:builtin-policy uses it for its second stage`,
    `--marginal-share X (0)   persona-blind: the share of training documents written without the persona (the marginal policy's prompt)`,
    `--eval-docs N (${BUILTIN_TRAINING.evalDocs})   --cross-pairs N (${BUILTIN_TRAINING.crossPairs})   --free-answers N (${BUILTIN_TRAINING.freeAnswers})   sizes of the held-out evaluation`,
  ],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['dry-run']);
    if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
    const num = (name: string, fallback: number, integer = true) => {
      const v = flags[name];
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}`);
      return n;
    };
    const recipe = recipeFlag(flags.recipe);
    const base = recipe === 'persona-blind' ? POLICY_TRAINING : BUILTIN_TRAINING;
    const count = (name: string, fallback: number) => (flags[name] === '0' ? 0 : num(name, fallback));
    const o: BuiltinTrainOptions = {
      ...base,
      steps: num('steps', base.steps),
      seed: num('seed', base.seed),
      lr: num('lr', base.lr, false),
      batchRows: num('batch', base.batchRows),
      seqLen: num('seq', base.seqLen),
      evalDocs: num('eval-docs', base.evalDocs),
      crossPairs: num('cross-pairs', base.crossPairs),
      freeAnswers: count('free-answers', base.freeAnswers),
      decisionWeight: num('decision-weight', base.decisionWeight, false),
      labels: labelsFlag(flags.labels),
    };
    if (flags['marginal-share'] !== undefined) {
      const share = Number(flags['marginal-share']);
      if (recipe !== 'persona-blind') throw new UsageError('--marginal-share applies to the persona-blind recipe only');
      if (!(share >= 0 && share < 1)) throw new UsageError('--marginal-share must be a number in [0, 1)');
      o.marginalShare = share;
    }
    if (recipe === 'persona-blind' && flags.labels !== undefined) throw new UsageError('--labels applies to the persona-reading recipe only (the persona-blind policy draws its poles at random)');
    const out = typeof flags.out === 'string' ? flags.out : recipe === 'persona-blind' ? BUILTIN_POLICY_DIR : BUILTIN_DIR;
    const backend = await createBackend('cpu');
    let init;
    if (typeof flags['init-from'] === 'string') {
      o.initFrom = flags['init-from'];
      init = new Map((await loadModel(backend, await folderFiles(o.initFrom))).model.namedParameters());
    } else if (flags['init-from'] !== undefined) throw new UsageError('--init-from needs a folder');
    const { files, report } = await trainBuiltin(backend, o, (l) => console.log(`[${l.phase}] ${l.message}`), init);
    const { curve, decisionCurve, samples, ...summary } = report;
    console.log(JSON.stringify(summary, null, 2));
    for (const s of samples) console.log(`\n--- ${s.question}\n${s.persona}\n=> ${s.answer}`);
    console.log(`\n[loss curves: ${curve.length} and ${decisionCurve.length} points]`);
    if (flags['dry-run']) return 0;
    await mkdir(out, { recursive: true });
    for (const [name, data] of Object.entries(files)) await writeFile(join(out, name), data);
    await writeFile(join(out, 'training.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`wrote ${Object.keys(files).join(', ')}, training.json to ${out}`);
    return 0;
  },
};
