// Generated tokens per second of the built-in model (public/models/builtin) on a backend, at a
// given batch: B chat prompts (persona as the system message, a question as the user turn, as the
// Compare view and the policy methods sample them), sampled at temperature 1 with no stop token so
// every row makes exactly `newTokens` tokens. The time is the whole generate() call (prefill,
// every decode step, sampling, text), best of `reps` after one warm-up call, on the wall clock and
// on the process's CPU clock; and the decoding rate alone, from the same call with one new token.
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
  /** Rows per distinct prompt (K samples of each, as online methods draw; they share its forward). */
  samplesPerPrompt: number;
  promptTokens: number;
  newTokens: number;
  bestMs: number;
  tokensPerSecond: number;
  /** The same tokens over the process's CPU time (user + system) of that call: on a shared,
   * loaded machine this is near what the wall clock would show unloaded (the loop is one thread). */
  tokensPerCpuSecond: number;
  /** Tokens after the first over the time they add (the whole call minus a one-token call): the
   * steady decoding rate without the prompt's forward. Null with one new token, or when the
   * difference is lost in the noise. */
  decodeTokensPerSecond: number | null;
  decodeTokensPerCpuSecond: number | null;
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

/** Tokens over the time a whole call adds to a one-token call; null when that difference is
 * under a tenth of the call (lost in the noise, as with a few tokens after a slow prefill). */
function rate(tokens: number, allMs: number, firstMs: number | undefined): number | null {
  if (firstMs === undefined || allMs - firstMs < allMs / 10) return null;
  return tokens / ((allMs - firstMs) / 1000);
}

export interface GenerateBenchOptions {
  batch: number;
  newTokens: number;
  reps: number;
  /** Rows per distinct prompt (default 1: every row its own prompt). */
  samplesPerPrompt?: number;
  dir?: string;
}

export async function benchGenerate(be: Backend, o: GenerateBenchOptions): Promise<GenerateBenchResult> {
  const ck = await openCheckpoint(await folderFiles(resolve(o.dir ?? BUILTIN_MODEL_DIR)));
  const model = await LlamaModel.load(be, ck.config, ck.weights);
  try {
    const k = o.samplesPerPrompt ?? 1;
    const prompts = Array.from({ length: o.batch }, (_, row) => Math.floor(row / k)).map((b) =>
      ck.tokenizer.encode(
        ck.tokenizer.applyChatTemplate([
          { role: 'system', content: PERSONAS[b % PERSONAS.length] },
          { role: 'user', content: QUESTIONS[b % QUESTIONS.length] },
        ]),
      ),
    );
    /** Best wall and CPU milliseconds of `reps` calls making `n` tokens per row, after a warm-up. */
    const time = async (n: number) => {
      const once = async (seed: number) => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const out = await generate(model, ck.tokenizer, prompts, { maxNewTokens: n, temperature: 1, seed, eosIds: [] });
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(c0);
        const made = out.reduce((sum, g) => sum + g.ids.length, 0);
        if (made !== o.batch * n) throw new Error(`generation bench: ${made} tokens made, expected ${o.batch * n}`);
        return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
      };
      await once(0);
      const best = { ms: Infinity, cpuMs: Infinity };
      for (let r = 0; r < o.reps; r++) {
        const t = await once(r + 1);
        best.ms = Math.min(best.ms, t.ms);
        best.cpuMs = Math.min(best.cpuMs, t.cpuMs);
      }
      return best;
    };
    const all = await time(o.newTokens);
    // The prompt's forward and the first token alone: what the later steps add is decoding.
    const first = o.newTokens > 1 ? await time(1) : null;
    const tokens = o.batch * o.newTokens;
    const later = o.batch * (o.newTokens - 1);
    return {
      backend: be.name,
      batch: o.batch,
      samplesPerPrompt: k,
      promptTokens: Math.max(...prompts.map((p) => p.length)),
      newTokens: o.newTokens,
      bestMs: all.ms,
      tokensPerSecond: tokens / (all.ms / 1000),
      tokensPerCpuSecond: tokens / (all.cpuMs / 1000),
      decodeTokensPerSecond: rate(later, all.ms, first?.ms),
      decodeTokensPerCpuSecond: rate(later, all.cpuMs, first?.cpuMs),
    };
  } finally {
    model.dispose();
  }
}

/** The table `npm run bench` prints: one line per backend and batch. */
export function formatGeneration(results: readonly GenerateBenchResult[]): string {
  const lines = [
    'Generation, built-in model (temperature 1, no stop); whole call (prefill included) and decoding alone',
    'backend        batch  per prompt  new/row  prompt   tokens/s  per CPU-s   decode tokens/s  per CPU-s',
  ];
  const num = (x: number | null, width: number) => (x === null ? '-' : x.toFixed(0)).padStart(width);
  for (const r of results) {
    const cells = [r.backend.padEnd(14), String(r.batch).padStart(5), String(r.samplesPerPrompt).padStart(11), String(r.newTokens).padStart(8), String(r.promptTokens).padStart(7)];
    cells.push(num(r.tokensPerSecond, 10), num(r.tokensPerCpuSecond, 10), num(r.decodeTokensPerSecond, 17), num(r.decodeTokensPerCpuSecond, 10));
    lines.push(cells.join(' '));
  }
  return lines.join('\n');
}
