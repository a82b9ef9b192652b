// `model inspect` on a folder and, through Range requests, on a local HTTP server (no weights are
// downloaded: only the probes and the safetensors headers are read).
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { modelGenerate } from '../../src/cli/commands/model-generate';
import { modelInspect } from '../../src/cli/commands/model-inspect';
import { openCheckpoint } from '../../src/models/checkpoint';
import { folderFiles } from '../../src/models/io/node-files';
import { SafetensorsFile } from '../../src/models/safetensors/file';
import { bytesSource } from '../../src/util/byte-source';
import { httpSource } from '../../src/models/io/http-source';

const DIR = 'tests/fixtures/tiny-checkpoint/qwen2-f32';
let server: Server;
let base = '';
const served: { path: string; range?: string; bytes: number }[] = [];

beforeAll(async () => {
  const files = new Map<string, Buffer>();
  for (const f of await readdir(DIR)) files.set(`/ck/${f}`, await readFile(`${DIR}/${f}`));
  server = createServer((req, res) => {
    const body = files.get(req.url!);
    if (!body) return void res.writeHead(404).end();
    const m = req.headers.range?.match(/^bytes=(\d+)-(\d+)$/);
    const [s, e] = m ? [Number(m[1]), Math.min(Number(m[2]), body.length - 1)] : [0, body.length - 1];
    served.push({ path: req.url!, range: req.headers.range, bytes: e - s + 1 });
    res.writeHead(m ? 206 : 200, m ? { 'Content-Range': `bytes ${s}-${e}/${body.length}` } : {});
    res.end(body.subarray(s, e + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const code = await modelInspect.run(args);
    return { code, out: log.mock.calls.map((c) => c.join(' ')).join('\n') };
  } finally {
    log.mockRestore();
  }
}

describe('model inspect', () => {
  it('describes a checkpoint folder', async () => {
    const { code, out } = await run([DIR, '--batch', '2', '--seq', '16']);
    expect(code).toBe(0);
    expect(out).toContain('architecture: Qwen2ForCausalLM  layers 2  hidden 32  mlp 48');
    expect(out).toContain('4 query heads, 1 key/value heads, head dim 8, q/k/v bias');
    expect(out).toContain('parameters:   24,832');
    expect(out).toContain('logits 40.0 KiB'); // 2 x 16 x 320 x 4 bytes
  });

  it('reads a remote checkpoint by range requests without downloading the weights', async () => {
    served.length = 0;
    const { code, out } = await run(['--url', `${base}/ck`, '--json']);
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j).toMatchObject({ weightFiles: ['model.safetensors'], dtypes: { F32: 26 }, memory: { parameters: 24832 } });
    const weightBytes = served.filter((s) => s.path.endsWith('.safetensors')).reduce((n, s) => n + s.bytes, 0);
    expect(weightBytes).toBeLessThan(4096); // the probe, the length prefix and the JSON header only
  });

  it('refuses bad flags', async () => {
    await expect(run([DIR, '--training', 'some'])).rejects.toThrow(/--training must be none, lora or full/);
    await expect(run([])).rejects.toThrow(/give one checkpoint folder/);
  });
});

describe('model generate', () => {
  it('streams the greedy continuation the PyTorch reference gives', async () => {
    const golden = await SafetensorsFile.open(bytesSource(new Uint8Array(await readFile('tests/fixtures/tiny-checkpoint/golden-qwen2.safetensors')), 'g'));
    const cont = [...(await golden.readInt32('greedy_continuation'))];
    const { tokenizer } = await openCheckpoint(await folderFiles(DIR));
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line) => void logged.push(String(line)));
    try {
      expect(await modelGenerate.run([DIR, '--prompt', 'Which response do you prefer?', '--max-new', String(cont.length)])).toBe(0);
    } finally {
      write.mockRestore();
      log.mockRestore();
    }
    expect(written.join('')).toBe(tokenizer.decode(cont, { skipSpecialTokens: true }));
    expect(logged[0]).toMatch(/6 tokens, stopped: length; prompt \d+ tokens; cpu/);
  });
});

describe('httpSource', () => {
  it('reads exact ranges, and is undefined for a 404', async () => {
    const src = (await httpSource(`${base}/ck/model.safetensors`, 'model.safetensors'))!;
    const want = await readFile(`${DIR}/model.safetensors`);
    expect(src.size).toBe(want.length);
    expect(await src.read(100, 228)).toEqual(new Uint8Array(want.subarray(100, 228)));
    expect(await httpSource(`${base}/ck/missing.json`, 'missing.json')).toBeUndefined();
  });
});
