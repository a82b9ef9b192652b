// `serve`: any checkpoint the lab loads (the built-in model by default, any folder under
// public/models, or a checkpoint folder by path) as an OpenAI-compatible chat endpoint on
// 127.0.0.1, so the lab's external judge (or any OpenAI client) can call it. Runs until stopped.
import type { AddressInfo } from 'node:net';
import { acquireGpu } from '../../gpu';
import { nodeGpu } from '../../gpu/node';
import { createBackend } from '../../tensor';
import { parseFlags, UsageError, type CliCommand } from '../command';
import { createOpenAiServer } from '../serve/openai-server';
import { ServedModel } from '../serve/served-model';

export const DEFAULT_SERVE_PORT = 8089;

export const serve: CliCommand = {
  path: ['serve'],
  summary: 'Serve checkpoints as an OpenAI-compatible /v1/chat/completions endpoint on 127.0.0.1',
  usage: [
    '[MODEL ...]   names under public/models (builtin, the default) or checkpoint folders',
    `--port N (${DEFAULT_SERVE_PORT}; 0 picks a free one)   --api-key KEY requires Authorization: Bearer KEY`,
    '--cors-origin ORIGIN (*)   --max-tokens N (64) default max_tokens   --queue N (8) waiting requests before 429',
    '--rate N   at most N chat requests a minute (429 with Retry-After beyond)   --backend cpu|webgpu (cpu)',
  ],
  async run(args) {
    const { flags, rest } = parseFlags(args);
    const int = (name: string, fallback: number, min: number, max: number) => {
      const v = flags[name];
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
      return n;
    };
    const port = int('port', DEFAULT_SERVE_PORT, 0, 65535);
    const queue = int('queue', 8, 0, 1000);
    const kind = String(flags.backend ?? 'cpu');
    if (kind !== 'cpu' && kind !== 'webgpu') throw new UsageError(`--backend must be cpu or webgpu, not '${kind}'`);
    if (flags['api-key'] === '') throw new UsageError('--api-key must not be empty');
    const ctx = kind === 'webgpu' ? await acquireGpu({ gpu: await nodeGpu() }) : null;
    const backend = ctx ? await createBackend('webgpu', ctx) : await createBackend('cpu');
    const names = rest.length > 0 ? rest : ['builtin'];
    const models: ServedModel[] = [];
    for (const n of names) models.push(await ServedModel.open(backend, n, queue));
    const ids = models.map((m) => m.id);
    if (new Set(ids).size !== ids.length) throw new UsageError(`two models share a name (${ids.join(', ')}): serve folders with different names`);
    const server = createOpenAiServer({
      models,
      apiKey: typeof flags['api-key'] === 'string' ? flags['api-key'] : undefined,
      allowOrigin: typeof flags['cors-origin'] === 'string' ? flags['cors-origin'] : '*',
      ratePerMinute: flags.rate === undefined ? undefined : int('rate', 60, 1, 100_000),
      defaultMaxTokens: int('max-tokens', 64, 1, 1 << 16),
      onRequest: (line) => console.log(line),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'EADDRINUSE' ? new UsageError(`port ${port} is in use: pick another with --port (0 picks a free one)`) : e),
      );
      server.listen(port, '127.0.0.1', resolve);
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    // One parseable line a script (or a test) waits for.
    console.log(`serving ${ids.join(', ')} on ${backend.name} at ${url}${flags['api-key'] ? ' (API key required)' : ''}`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    for (const m of models) m.dispose();
    ctx?.destroy();
    return 0;
  },
};
