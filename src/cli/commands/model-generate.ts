// `model generate`: load a checkpoint folder with our engine and continue a prompt (or a chat
// message through the tokenizer's chat template), streaming tokens to stdout; with --batch N,
// N seeded samples of it in one batch, printed when done, with the generated tokens/s.
import { acquireGpu } from '../../gpu';
import { nodeGpu } from '../../gpu/node';
import { openCheckpoint } from '../../models/checkpoint';
import { generate } from '../../models/generate/generate';
import { folderFiles } from '../../models/io/node-files';
import { LlamaModel } from '../../models/llama/model';
import { checkFits, estimateMemory } from '../../models/memory';
import { createBackend } from '../../tensor';
import { parseFlags, UsageError, type CliCommand } from '../command';

export const modelGenerate: CliCommand = {
  path: ['model', 'generate'],
  summary: 'Continue a prompt with a Hugging Face checkpoint folder on our engine',
  usage: [
    'DIR --prompt TEXT [--chat] [--system TEXT]   --chat wraps the prompt in the chat template',
    '--max-new N (32) --temperature T (0 = greedy) --top-k K --top-p P --seed S (1)',
    '--backend cpu|webgpu (cpu)   --no-cache recomputes every position (slower; for checks)',
    '--batch N (1)                N samples of the prompt in one batch (each row its own seed stream)',
  ],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['chat', 'no-cache']);
    if (rest.length !== 1) throw new UsageError('give one checkpoint folder');
    if (typeof flags.prompt !== 'string') throw new UsageError('--prompt is required');
    const num = (name: string, fallback: number | undefined) => {
      const v = flags[name];
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number`);
      return n;
    };
    const ck = await openCheckpoint(await folderFiles(rest[0]));
    const kind = String(flags.backend ?? 'cpu');
    if (kind !== 'cpu' && kind !== 'webgpu') throw new UsageError(`--backend must be cpu or webgpu, not '${kind}'`);
    const ctx = kind === 'webgpu' ? await acquireGpu({ gpu: await nodeGpu() }) : null;
    try {
      if (ctx) checkFits(estimateMemory(ck.config, { seqLen: ck.config.maxPositionEmbeddings > 2048 ? 2048 : ck.config.maxPositionEmbeddings }), ctx.report.limits);
      const backend = ctx ? await createBackend('webgpu', ctx) : await createBackend('cpu');
      const model = await LlamaModel.load(backend, ck.config, ck.weights);
      const text = flags.chat
        ? ck.tokenizer.applyChatTemplate([
            ...(typeof flags.system === 'string' ? [{ role: 'system', content: flags.system }] : []),
            { role: 'user', content: flags.prompt },
          ])
        : flags.prompt;
      const prompt = ck.tokenizer.encode(text);
      const batch = num('batch', 1)!;
      if (!(Number.isInteger(batch) && batch >= 1)) throw new UsageError('--batch must be a whole number >= 1');
      let shown = 0;
      const t0 = performance.now();
      const outs = await generate(model, ck.tokenizer, new Array<number[]>(batch).fill(prompt), {
        maxNewTokens: num('max-new', 32)!,
        temperature: num('temperature', 0),
        topK: num('top-k', undefined),
        topP: num('top-p', undefined),
        seed: num('seed', 1)!,
        useCache: !flags['no-cache'],
        // One row streams; a batch prints its rows when done.
        onToken:
          batch === 1
            ? (_row, _id, soFar) => {
                process.stdout.write(soFar.slice(shown));
                shown = soFar.length;
              }
            : undefined,
      });
      const seconds = (performance.now() - t0) / 1000;
      const made = outs.reduce((n, o) => n + o.ids.length, 0);
      const rate = `${(made / seconds).toFixed(0)} tokens/s`;
      if (batch === 1) {
        const [out] = outs;
        process.stdout.write(out.text.slice(shown));
        console.log(`\n[${out.ids.length} tokens, stopped: ${out.reason}; prompt ${prompt.length} tokens; ${backend.name}; ${rate}]`);
      } else {
        outs.forEach((o, i) => console.log(`--- row ${i} (${o.ids.length} tokens, stopped: ${o.reason})\n${o.text}`));
        console.log(`[${batch} rows, ${made} tokens in ${seconds.toFixed(2)} s, prefill included: ${rate}; prompt ${prompt.length} tokens; ${backend.name}]`);
      }
      model.dispose();
      return 0;
    } finally {
      ctx?.destroy();
    }
  },
};
