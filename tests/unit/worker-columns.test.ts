// The Compare view's column generation in Node (the built-in model over HTTP, cpu backend): two
// columns for one persona — the persona-reading built-in model against the same weights shown no
// persona — with several samples each from the seed, every answer read by the truth judge against
// the persona's preferred poles; blind items pair the columns per sample; bad requests are refused.
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnsRequest, ColumnTokenEvent } from '../../src/protocol/rating';
import { ColumnsRequestError, generateColumns } from '../../src/worker/columns';
import { compareCatalog, loadBuiltinModel } from '../../src/worker/models';
import { aggregateVotes, blindItems, castVote, exportVotes, importVotes } from '../../src/worker/rating';

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
  await loadBuiltinModel(undefined, 'cpu', base);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('generateColumns', () => {
  it('answers every (model, persona) column with several seeded samples, each judged against the truth', async () => {
    const catalog = await compareCatalog();
    const persona = catalog.personas[0].id;
    const req: ColumnsRequest = {
      instructionId: catalog.instructions[0].id,
      columns: [
        { modelId: 'builtin:blind', personaId: persona },
        { modelId: 'builtin', personaId: persona },
      ],
      samples: 3,
      seed: 5,
      temperature: 0.8,
      topP: 0.95,
      maxNewTokens: 160,
    };
    const events: ColumnTokenEvent[] = [];
    const out = await generateColumns(req, (e) => events.push(e));
    expect(out.modelLabels).toEqual(['built-in model, persona hidden', 'built-in model']);
    expect(out.answers.map((a) => `${a.column}.${a.sample}`)).toEqual(['0.0', '0.1', '0.2', '1.0', '1.1', '1.2']);
    for (const a of out.answers) {
      console.log(`[${a.column}.${a.sample}] u=${a.truth?.utility.toFixed(2)} valid=${a.truth?.valid} ${a.truth?.axes.map((x) => `${x.axis}:${x.expressed}/${x.preferred}`).join(' ')}\n   ${a.text}`);
      expect(a.truth?.axes.length).toBe(4);
      expect(a.truth!.bestUtility).toBeGreaterThanOrEqual(a.truth!.utility - 1e-9);
      expect(a.truth!.worstUtility).toBeLessThanOrEqual(a.truth!.utility + 1e-9);
    }
    expect(events.some((e) => e.column === 1 && e.sample === 2 && e.tokens > 0)).toBe(true);
    // The same seed gives the same answers.
    expect((await generateColumns(req)).answers.map((a) => a.text)).toEqual(out.answers.map((a) => a.text));

    const items = await blindItems(req, out);
    expect(items).toHaveLength(3);
    for (const it of items) expect(new Set(it.answers.map((a) => a.system))).toEqual(new Set(['built-in model', 'built-in model, persona hidden']));
    for (const it of items) await castVote(it.id, 'A', 'Ada');
    const file = await exportVotes();
    const again = await importVotes([{ name: 'ada.json', text: file }]);
    expect(again).toMatchObject({ added: 0, duplicates: 3, failed: 0 });
    const agg = await aggregateVotes();
    expect(agg).toMatchObject({ votes: 3, items: 3 });
    expect(agg.agreement[0]).toMatchObject({ judge: 'truth', n: 3 });
  }, 300_000);

  it('pairs every two of three columns; an answer written for another persona is its own system', async () => {
    const catalog = await compareCatalog();
    const [p, q] = catalog.personas.map((x) => x.id);
    const req: ColumnsRequest = {
      instructionId: catalog.instructions[1].id,
      columns: [
        { modelId: 'builtin', personaId: p },
        { modelId: 'builtin', personaId: q },
        { modelId: 'builtin:blind', personaId: p },
      ],
      samples: 1,
      seed: 2,
      temperature: 0,
      topP: 1,
      maxNewTokens: 24,
    };
    const out = await generateColumns(req);
    expect(out.answers).toHaveLength(3);
    const items = await blindItems(req, out);
    expect(items.map((i) => i.personaId)).toEqual([p, p, q]);
    const systems = items.map((i) => i.answers.map((a) => a.system).sort().join(' | '));
    expect(systems).toEqual([
      'built-in model | built-in model · for another persona',
      'built-in model | built-in model, persona hidden',
      // Judged for column 2's persona: column 3 was written for column 1's.
      'built-in model | built-in model, persona hidden · for another persona',
    ]);
  }, 300_000);

  it('refuses bad requests with named errors', async () => {
    const catalog = await compareCatalog();
    const col = { modelId: 'builtin', personaId: catalog.personas[0].id };
    const req = { instructionId: catalog.instructions[0].id, columns: [col], samples: 1, seed: 1, temperature: 0, topP: 1, maxNewTokens: 4 };
    await expect(generateColumns({ ...req, samples: 0 })).rejects.toThrow(ColumnsRequestError);
    await expect(generateColumns({ ...req, instructionId: 'nope' })).rejects.toThrow(/Unknown instruction/);
    await expect(generateColumns({ ...req, columns: [{ ...col, modelId: 'nope' }] })).rejects.toThrow(/Unknown model 'nope'/);
    await expect(generateColumns({ ...req, columns: [{ ...col, modelId: 'loaded' }] })).rejects.toThrow(/No checkpoint is loaded/);
  });
});
