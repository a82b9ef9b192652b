// The Models of preference view's run lifecycle (src/worker/analysis.ts) in Node: the builtin-tiny
// preset (the view's demo and its e2e run) runs for real through the engine, is saved with its
// seed and log, its progress reaches the count of lines the spec predicts, and it exports the same
// JSON/CSV as the CLI; a run left "running" by a closed tab reads as interrupted; presets that
// read files are refused in words. The browser launcher (a Web Worker) is covered by e2e.
import { describe, expect, it } from 'vitest';
import { analysisCsv } from '../../src/experiments/analysis/export';
import { runAnalysis } from '../../src/experiments/analysis/run';
import { loadBuiltin } from '../../src/experiments/prepare';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import type { AnalysisRun, AnalysisRunEvent } from '../../src/protocol/analysis-run';
import { analysisRuns } from '../../src/worker/analysis';
import { expectedAnalysisLines } from '../../src/worker/analysis-progress';
import type { AnalysisLauncher } from '../../src/worker/analysis-thread';

/** The engine in this process (Node has no Web Worker); cancel is the browser's (terminate). */
const inProcess: AnalysisLauncher = (spec, onLine) => ({ done: runAnalysis(spec, loadBuiltin, onLine), cancel: () => {} });

describe('analysis runs', () => {
  it('runs builtin-tiny, saves it with its seed and log, and exports what the CLI writes', async () => {
    const store = new MemoryRunStore<AnalysisRun>();
    const runs = analysisRuns(async () => store, inProcess);
    const tiny = runs.presets().find((p) => p.name === 'builtin-tiny')!;
    expect(tiny.runnable).toBe(true);
    const events: AnalysisRunEvent[] = [];
    const run = await runs.run('req-1', 'builtin-tiny', (e) => events.push(e));
    expect(run.status).toBe('done');
    expect(run.seed).toBe(1);
    expect(run.backend.kind).toBe('cpu');
    // Every part ran, with every attribute alone (plot c) and the k-shot grid of the issue (plot e).
    const r = run.record!;
    expect(r.conditional!.perAttribute.length).toBe(33);
    expect(r.multiObjective!.fewShot.map((f) => f.k)).toEqual([0, 1, 2, 4, 8, 16]);
    expect(r.mixture!.grid.map((g) => g.k)).toEqual([1, 2, 3]);
    // The progress estimate counts exactly the lines the engine logs.
    expect(run.log.length).toBe(expectedAnalysisLines(tiny.spec));
    const progress = events.filter((e) => e.kind === 'progress');
    expect(progress.at(-1)!.fraction).toBeCloseTo(0.99, 9);
    expect(events.at(-1)!.kind).toBe('result');
    const saved = await runs.list();
    expect(saved.map((s) => s.status)).toEqual(['done']);
    expect(JSON.parse(await runs.exportRun(run.id, 'json'))).toEqual(JSON.parse(JSON.stringify(r)));
    expect(await runs.exportRun(run.id, 'csv')).toBe(analysisCsv(r));
  }, 600_000);

  it('marks a run a closed tab left running as interrupted, and refuses file presets in words', async () => {
    const store = new MemoryRunStore<AnalysisRun>();
    const runs = analysisRuns(async () => store, inProcess);
    const spec = runs.presets().find((p) => p.name === 'builtin-tiny')!.spec;
    await store.putRecord({ id: 'a1', name: 'left', preset: 'builtin-tiny', spec, seed: 1, status: 'running', startedAt: '2026-01-01T00:00:00Z', seconds: 3, backend: { kind: 'cpu', note: '' }, log: [] });
    const [r] = await runs.list();
    expect(r.status).toBe('failed');
    expect(r.error!.message).toMatch(/closed or reloaded while it ran/);
    await expect(runs.exportRun('a1', 'csv')).rejects.toThrow(/no results to export/);
    const oqa = runs.presets().find((p) => p.name === 'opinionqa-sample')!;
    expect(oqa.runnable).toBe(false);
    await expect(runs.run('req-2', 'opinionqa-sample', () => {})).rejects.toThrow(/cannot run in the app.*npm run cli -- analysis run --preset opinionqa-sample/);
    await expect(runs.run('req-3', 'nope', () => {})).rejects.toThrow(/No analysis preset "nope"/);
  });
});
