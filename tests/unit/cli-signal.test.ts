// `policy run` stopped by SIGTERM (a job runner's kill, not only Ctrl-C) ends its run as
// cancelled, with the resume command printed and exit status 130, instead of leaving the record
// "running" forever.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TINY = 'tests/fixtures/tiny-checkpoint/llama-f32';

/** Runs `policy run` on a toy spec, sends SIGTERM on the first output line matching `when`; the exit code, stderr and the run record. */
async function killedRun(train: Record<string, unknown>, when: RegExp) {
  const dir = await mkdtemp(join(tmpdir(), 'policy-sigterm-'));
  const spec = {
    name: 'sigterm toy',
    seed: 1,
    base: { kind: 'path', path: TINY },
    data: { source: 'builtin', personas: 60, questionsPerPersona: 8 },
    arms: [
      {
        label: 'dpo',
        conditioning: { kind: 'preset', name: 'none' },
        method: { kind: 'dpo', pairs: 'both' },
        train: { mode: 'full', batchSize: 2, lr: 1e-4, maxLength: 96, logEvery: 1, ...train },
      },
    ],
    eval: {
      seenPersonas: 1,
      unseenPersonas: 1,
      questionsPerPersona: 1,
      maxNewTokens: 4,
      batchSize: 4,
    },
  };
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
  const child = spawn(
    process.execPath,
    [
      'scripts/node-run.mjs',
      'src/cli/main.ts',
      'policy',
      'run',
      join(dir, 'spec.json'),
      '--runs',
      join(dir, 'runs'),
      // Two threads: the pool's waits keep the main thread off the event loop, as in real runs.
      '--threads',
      '2',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  let out = '';
  let sent = false;
  const onOutput = (chunk: Buffer) => {
    out += chunk.toString();
    if (!sent && when.test(chunk.toString())) {
      sent = true;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
    onOutput(c);
  });
  // The reference pass's progress: how far it got (N of M) before the run stopped.
  const referenceDone = () =>
    Math.max(
      0,
      ...[...out.matchAll(/reference log-probs (\d+) of (\d+)/g)].map(
        (m) => Number(m[1]) / Number(m[2]),
      ),
    );
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const [file] = (await readdir(join(dir, 'runs'))).filter((f) => /^policy-[^.]+\.json$/.test(f));
  const record = JSON.parse(await readFile(join(dir, 'runs', file), 'utf8')) as {
    status: string;
    arms: { curve: unknown[] }[];
  };
  return { sent, code, err, record, referenceDone: referenceDone() };
}

describe('policy run under SIGTERM', () => {
  it('during training: records the run as cancelled and exits 130', async () => {
    // Long enough that the signal lands during training however fast the machine is.
    const r = await killedRun({ epochs: 50, maxPairs: 40 }, /step \d+ of/);
    expect(r.sent).toBe(true);
    expect(r.code, r.err).toBe(130);
    expect(r.err).toContain('--resume');
    expect(r.record.status).toBe('cancelled');
  }, 300_000);

  it('during the reference pass (no training step yet): the forward passes let the signal in', async () => {
    const r = await killedRun({ epochs: 1, maxPairs: 600 }, /reference log-probs \d+ of/);
    expect(r.sent).toBe(true);
    expect(r.code, r.err).toBe(130);
    expect(r.record.status).toBe('cancelled');
    expect(r.record.arms[0].curve).toHaveLength(0);
    // Stopped within the pass (a few batches after the signal), not at its end.
    expect(r.referenceDone).toBeLessThan(0.5);
  }, 300_000);
});
