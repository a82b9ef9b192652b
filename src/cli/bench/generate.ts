// Generated tokens per second of the built-in model (public/models/builtin) on a backend, at a
// given batch: B chat prompts (persona as the system message, a question as the user turn, as the
// Compare view and the policy methods sample them), sampled at temperature 1 with no stop token so
// every row makes exactly `newTokens` tokens. The time is the whole generate() call (prefill,
// every decode step, sampling, text), best of `reps` after one warm-up call, on the wall clock and
// on the process's CPU clock.
import { resolve } from 'node:path';
import { openCheckpoint } from '../../models/checkpoint';
import { generate } from '../../models/generate/generate';
import { folderFiles } from '../../models/io/node-files';
import { LlamaModel } from '../../models/llama/model';
import type { Backend } from '../../tensor';

export const BUILTIN_MODEL_DIR = 'public/models/builtin';

export interface GenerateBenchResult {
  backend: string;
  batch: number;
  promptTokens: number;
  newTokens: number;
  bestMs: number;
  tokensPerSecond: number;
  /** The same tokens over the process's CPU time (user + system) of that call: on a shared,
   * loaded machine this is near what the wall clock would show unloaded (the loop is one thread). */
  tokensPerCpuSecond: number;
}

const PERSONAS = [
  'age: 66\neducation: Doctorate\nreligion: Atheist',
  'age: 23\neducation: High school\nreligion: Catholic\npolitical views: Liberal',
  'age: 41\nincome: 30k-50k\nlifestyle: Adventurous',
  'age: 35\noccupation category: Engineering\nfamily presence and age: Two children under 10',
];
const QUESTIONS = [
  'How should I plan my retirement savings?',
  'What is a good way to spend a free weekend?',
  'How do I talk to my neighbour about a noise problem?',
  'Should I learn to cook or keep ordering food?',
  'How can I get better sleep?',
];

export interface GenerateBenchOptions {
  batch: number;
  newTokens: number;
  reps: number;
  dir?: string;
}

export async function benchGenerate(be: Backend, o: GenerateBenchOptions): Promise<GenerateBenchResult> {
  const ck = await openCheckpoint(await folderFiles(resolve(o.dir ?? BUILTIN_MODEL_DIR)));
  const model = await LlamaModel.load(be, ck.config, ck.weights);
  try {
    const prompts = Array.from({ length: o.batch }, (_, b) =>
      ck.tokenizer.encode(
        ck.tokenizer.applyChatTemplate([
          { role: 'system', content: PERSONAS[b % PERSONAS.length] },
          { role: 'user', content: QUESTIONS[b % QUESTIONS.length] },
        ]),
      ),
    );
    const run = async (seed: number) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const out = await generate(model, ck.tokenizer, prompts, { maxNewTokens: o.newTokens, temperature: 1, seed, eosIds: [] });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      bestCpuMs = Math.min(bestCpuMs, (cpu.user + cpu.system) / 1000);
      const made = out.reduce((n, g) => n + g.ids.length, 0);
      if (made !== o.batch * o.newTokens) throw new Error(`generation bench: ${made} tokens made, expected ${o.batch * o.newTokens}`);
      return ms;
    };
    let bestCpuMs = Infinity;
    await run(0);
    bestCpuMs = Infinity;
    let best = Infinity;
    for (let r = 0; r < o.reps; r++) best = Math.min(best, await run(r + 1));
    return {
      backend: be.name,
      batch: o.batch,
      promptTokens: Math.max(...prompts.map((p) => p.length)),
      newTokens: o.newTokens,
      bestMs: best,
      tokensPerSecond: (o.batch * o.newTokens) / (best / 1000),
      tokensPerCpuSecond: (o.batch * o.newTokens) / (bestCpuMs / 1000),
    };
  } finally {
    model.dispose();
  }
}

/** The table `npm run bench` prints: one line per backend and batch. */
export function formatGeneration(results: readonly GenerateBenchResult[]): string {
  const lines = ['Generation, built-in model (temperature 1, no stop; prefill included)', 'backend        batch  new/row  prompt   tokens/s  per CPU-s'];
  for (const r of results) {
    lines.push(
      [r.backend.padEnd(14), String(r.batch).padStart(5), String(r.newTokens).padStart(8), String(r.promptTokens).padStart(7), r.tokensPerSecond.toFixed(0).padStart(10), r.tokensPerCpuSecond.toFixed(0).padStart(10)].join(' '),
    );
  }
  return lines.join('\n');
}
