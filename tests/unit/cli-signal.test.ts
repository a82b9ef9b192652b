// `policy run` stopped by SIGTERM (a job runner's kill, not only Ctrl-C) ends its run as
// cancelled, with the resume command printed and exit status 130, instead of leaving the record
// "running" forever.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';

describe('policy run under SIGTERM', () => {
  it('records the run as cancelled and exits 130', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'policy-sigterm-'));
    // Long enough that the signal lands during training however fast the machine is.
    const spec = {
      name: 'sigterm toy',
      seed: 1,
      base: { kind: 'path', path: TINY },
      data: { source: 'builtin', personas: 16, questionsPerPersona: 4 },
      arms: [{ label: 'dpo', conditioning: { kind: 'preset', name: 'none' }, method: { kind: 'dpo', pairs: 'both' }, train: { mode: 'full', epochs: 50, batchSize: 2, lr: 1e-4, maxPairs: 40, maxLength: 96, logEvery: 1 } }],
      eval: { seenPersonas: 1, unseenPersonas: 1, questionsPerPersona: 1, maxNewTokens: 4, batchSize: 4 },
    };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const child = spawn(process.execPath, ['scripts/node-run.mjs', 'src/cli/main.ts', 'policy', 'run', join(dir, 'spec.json'), '--runs', join(dir, 'runs')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let sent = false;
    const onOutput = (chunk: Buffer) => {
      if (!sent && /step \d+ of/.test(chunk.toString())) {
        sent = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      onOutput(c);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(sent).toBe(true);
    expect(code, err).toBe(130);
    expect(err).toContain('--resume');
    const [file] = (await readdir(join(dir, 'runs'))).filter((f) => /^policy-[^.]+\.json$/.test(f));
    const record = JSON.parse(await readFile(join(dir, 'runs', file), 'utf8')) as { status: string };
    expect(record.status).toBe('cancelled');
  }, 300_000);
});
