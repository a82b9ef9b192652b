// `model inspect`: what a Hugging Face checkpoint is and whether it fits, read from a folder, a URL
// or a hub repo without loading (or, remotely, downloading) its weights: config, tokenizer, weight
// files and dtypes, parameter count, and the memory estimate, optionally checked against the
// WebGPU adapter Node sees.
import { acquireGpu } from '../../gpu';
import { nodeGpu } from '../../gpu/node';
import { checkWeights, openCheckpoint, type CheckpointFiles } from '../../models/checkpoint';
import { formatBytes } from '../../models/errors';
import { remoteFiles } from '../../models/io/http-source';
import { folderFiles } from '../../models/io/node-files';
import { checkFits, estimateMemory, type MemoryOptions } from '../../models/memory';
import { parseFlags, UsageError, type CliCommand } from '../command';

export const modelInspect: CliCommand = {
  path: ['model', 'inspect'],
  summary: 'Describe a Hugging Face checkpoint (folder, URL or hub repo) and estimate its memory',
  usage: [
    'DIR | --url BASE_URL | --repo OWNER/NAME [--revision REV] [--token HF_TOKEN]',
    '--batch N --seq T      sizes for the memory estimate (default 1 x 512)',
    '--training none|lora|full   what would be trained (default none)',
    '--gpu                  check the estimate against the WebGPU adapter limits',
    '--json                 print a JSON summary',
  ],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['gpu', 'json']);
    const files = await locate(flags, rest);
    const ck = await openCheckpoint(files);
    checkWeights(ck.config, ck.weights);
    const training = String(flags.training ?? 'none');
    if (!['none', 'lora', 'full'].includes(training)) throw new UsageError(`--training must be none, lora or full, not '${training}'`);
    const opts: MemoryOptions = { batch: int(flags.batch, 1, 'batch'), seqLen: int(flags.seq, 512, 'seq'), training: training as MemoryOptions['training'] };
    const mem = estimateMemory(ck.config, opts);
    const dtypes = new Map<string, number>();
    for (const n of ck.weights.names()) {
      const d = ck.weights.info(n)!.dtype;
      dtypes.set(d, (dtypes.get(d) ?? 0) + 1);
    }
    let fits: string | null = null;
    if (flags.gpu) {
      const ctx = await acquireGpu({ gpu: await nodeGpu() });
      try {
        checkFits(mem, ctx.report.limits);
        fits = `fits ${ctx.report.summary}`;
      } catch (e) {
        fits = (e as Error).message;
      } finally {
        ctx.destroy();
      }
    }
    const c = ck.config;
    if (flags.json) {
      console.log(JSON.stringify({ where: files.where, config: c, tokenizer: { size: ck.tokenizer.size, bos: ck.tokenizer.bosId, eos: ck.tokenizer.eosIds, pad: ck.tokenizer.padId, chatTemplate: ck.tokenizer.chatTemplate !== null }, weightFiles: ck.weightFiles, dtypes: Object.fromEntries(dtypes), storedBytes: ck.weights.storedBytes, memory: mem, fits }, null, 2));
      return 0;
    }
    const lines = [
      `checkpoint:   ${files.where}`,
      `architecture: ${c.architecture}  layers ${c.numLayers}  hidden ${c.hiddenSize}  mlp ${c.intermediateSize}`,
      `attention:    ${c.numHeads} query heads, ${c.numKvHeads} key/value heads, head dim ${c.headDim}${c.qkvBias ? ', q/k/v bias' : ''}`,
      `rope:         theta ${c.ropeTheta}${c.ropeScaling ? `, ${c.ropeScaling.type} scaling x${c.ropeScaling.factor}` : ''}`,
      `vocab:        ${c.vocabSize} rows, ${c.tieWordEmbeddings ? 'tied' : 'untied'} embeddings; tokenizer ${ck.tokenizer.size} tokens, bos ${ck.tokenizer.bosId}, eos ${ck.tokenizer.eosIds.join('/')}, pad ${ck.tokenizer.padId}, chat template ${ck.tokenizer.chatTemplate ? 'yes' : 'no'}`,
      `weights:      ${ck.weightFiles.join(', ')}; ${[...dtypes].map(([d, n]) => `${n} ${d}`).join(', ')}; ${formatBytes(ck.weights.storedBytes)} stored`,
      `parameters:   ${mem.parameters.toLocaleString('en-US')} (${formatBytes(mem.weightBytes)} as f32)`,
      `memory (${opts.batch} x ${opts.seqLen}, training ${training}): total ${formatBytes(mem.totalBytes)}; largest tensor ${mem.largestTensor.name} ${formatBytes(mem.largestTensor.bytes)}; logits ${formatBytes(mem.logitsBytes)}; KV cache ${formatBytes(mem.kvCacheBytes)}`,
    ];
    if (c.defaulted.length > 0) lines.push(`defaults:     ${c.defaulted.join(', ')} (absent from config.json)`);
    if (fits) lines.push(`gpu:          ${fits}`);
    console.log(lines.join('\n'));
    return 0;
  },
};

async function locate(flags: Record<string, string | true>, rest: string[]): Promise<CheckpointFiles> {
  const token = typeof flags.token === 'string' ? flags.token : undefined;
  if (typeof flags.repo === 'string') {
    const hub = { repo: flags.repo, revision: typeof flags.revision === 'string' ? flags.revision : undefined, endpoint: typeof flags.endpoint === 'string' ? flags.endpoint : undefined };
    return remoteFiles({ kind: 'hub', hub }, { token });
  }
  if (typeof flags.url === 'string') return remoteFiles({ kind: 'url', baseUrl: flags.url }, { token });
  if (rest.length !== 1) throw new UsageError('give one checkpoint folder, or --url / --repo');
  return folderFiles(rest[0]);
}

function int(v: string | true | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}
