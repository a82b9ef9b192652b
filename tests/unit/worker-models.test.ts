// The runner's model service (src/worker/models.ts) in Node: the built-in model is fetched over
// HTTP as the app fetches it (a local server over public/models/builtin), loads on the cpu
// backend, and generates for two personas in one batch with every token streamed; the same seed
// gives the same answers, and bad requests fail with named errors.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelLoadProgress, TokenEvent } from '../../src/protocol/models';
import { BuiltinModelFetchError, fetchBuiltinFiles } from '../../src/worker/builtin-files';
import { GenerationBusyError } from '../../src/worker/model-errors';
import { compareCatalog, generateForPersonas, loadBuiltinModel, loadPickedModel, loadedModel, stopGeneration } from '../../src/worker/models';

const DIR = join(import.meta.dirname, '../../public/models/builtin');
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = (req.url ?? '').replace(/^\/models\/builtin\//, '');
    readFile(join(DIR, name)).then(
      (body) => res.writeHead(200).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/models/builtin/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runner model service', () => {
  it('loads the built-in model over HTTP on the cpu backend, with progress', async () => {
    const progress: ModelLoadProgress[] = [];
    const info = await loadBuiltinModel((p) => progress.push(p), 'auto', base);
    expect(info.source).toBe('builtin');
    expect(info.backend).toBe('cpu');
    expect(info.architecture).toBe('LlamaForCausalLM');
    expect(info.hasChatTemplate).toBe(true);
    expect(info.builtinFormat).toBe(true);
    expect(info.parameters).toBeGreaterThan(100_000);
    expect(info.training?.heldOutLoss).toBeLessThan(info.training!.unigramLoss);
    expect(progress.some((p) => p.phase === 'fetch' && p.item === 'model.safetensors')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'weights' });
    expect((await loadedModel())?.name).toBe(info.name);
  });

  it('streams two personas\' answers in one batch, reproducibly from the seed', async () => {
    const catalog = await compareCatalog();
    expect(catalog.instructions.length).toBe(70);
    expect(catalog.personas.length).toBe(1000);
    expect(catalog.personas[0].label).toMatch(/^b0001 · \d+, /);
    const req = { instruction: catalog.instructions[0].text, personaIds: [catalog.personas[0].id, catalog.personas[1].id], seed: 7, temperature: 0.8, topP: 0.9, maxNewTokens: 40 };
    const events: TokenEvent[] = [];
    const out = await generateForPersonas(req, (e) => events.push(e));
    expect(out.generations).toHaveLength(2);
    for (const [row, g] of out.generations.entries()) {
      expect(g.tokens).toBeGreaterThan(0);
      // The built-in model reads the persona first (its style line, each pole after the persona
      // line that drives it), then answers.
      expect(g.style).toMatch(/^[^\n]+ -> [^\n]+$/);
      expect(g.style).not.toContain('Answer:');
      const rowEvents = events.filter((e) => e.row === row);
      // The style line arrives once read, before any answer token; then tokens one by one.
      expect(rowEvents[0]).toMatchObject({ text: '', style: g.style, tokens: 0 });
      expect(rowEvents.length).toBe(g.tokens + 1);
      expect(rowEvents.at(-1)).toMatchObject({ tokens: g.tokens, style: g.style, text: g.text });
    }
    const again = await generateForPersonas(req);
    expect(again.generations.map((g) => g.text)).toEqual(out.generations.map((g) => g.text));
    expect(again.generations.map((g) => g.style)).toEqual(out.generations.map((g) => g.style));
    // Budget ≥ 20× its cost (3.2 s on an idle 2-core machine, 4.4 s with the cores shared).
  }, 120_000);

  it('generates freely for an instruction the built-in world does not know', async () => {
    const out = await generateForPersonas({ instruction: 'What should I name my boat?', personaIds: ['b0001'], seed: 1, temperature: 0, topP: 1, maxNewTokens: 8 });
    expect(out.generations[0].tokens).toBeGreaterThan(0);
    expect(out.generations[0].promptTokens).toBeGreaterThan(20);
  });

  it('stops a running generation on request, and refuses a second one meanwhile', async () => {
    const req = { instruction: 'How do I start saving money?', personaIds: ['b0001', 'b0002'], seed: 1, temperature: 1, topP: 1, maxNewTokens: 200 };
    let second: Promise<unknown> | undefined;
    const out = await generateForPersonas(req, (e) => {
      if (e.tokens === 2 && !second) {
        second = generateForPersonas(req);
        void stopGeneration();
      }
    });
    await expect(second).rejects.toThrow(GenerationBusyError);
    expect(out.generations.every((g) => g.stopReason === 'aborted' || g.stopReason === 'eos')).toBe(true);
    expect(Math.max(...out.generations.map((g) => g.tokens))).toBeLessThan(10);
    expect(await stopGeneration()).toBe(false);
  });

  it('stops while reading the personas: rows end aborted, with the style lines read so far', async () => {
    const catalog = await compareCatalog();
    const req = { instruction: catalog.instructions[2].text, personaIds: ['b0001', 'b0002'], seed: 1, temperature: 0, topP: 1, maxNewTokens: 50 };
    const out = await generateForPersonas(req, (e) => {
      if (e.row === 0 && e.tokens === 0) void stopGeneration();
    });
    expect(out.generations.map((g) => g.stopReason)).toEqual(['aborted', 'aborted']);
    expect(out.generations.map((g) => g.text)).toEqual(['', '']);
    expect(out.generations[0].style).toContain(' -> ');
    expect(out.generations[1].style).toBeUndefined();
  });

  it('refuses unknown personas and empty instructions by name', async () => {
    await expect(generateForPersonas({ instruction: 'Hi?', personaIds: ['nobody'], seed: 1, temperature: 0, topP: 1, maxNewTokens: 2 })).rejects.toThrow(/Unknown persona 'nobody'/);
    await expect(generateForPersonas({ instruction: ' ', personaIds: ['b0001'], seed: 1, temperature: 0, topP: 1, maxNewTokens: 2 })).rejects.toThrow(/empty/);
  });

  it('says how to fix a missing built-in model', async () => {
    await expect(fetchBuiltinFiles(undefined, base.replace('/models/builtin/', '/nowhere/'))).rejects.toThrow(BuiltinModelFetchError);
    await expect(fetchBuiltinFiles(undefined, base.replace('/models/builtin/', '/nowhere/'))).rejects.toThrow(/npm run train:builtin/);
  });

  it('loads picked files, and keeps the built-in prompt layout for the built-in model\'s files', async () => {
    const names = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];
    const files = await Promise.all(names.map(async (f) => new File([await readFile(join(DIR, f))], f)));
    const info = await loadPickedModel(files);
    expect(info).toMatchObject({ source: 'picked', where: 'the picked files', builtinFormat: true, backend: 'cpu' });
    await expect(loadPickedModel(files.slice(1))).rejects.toThrow(/config\.json/);
  });
});
