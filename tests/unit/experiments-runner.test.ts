// The runner on the cpu backend: a tiny preset end to end (events, record, the marginal control
// at 50% on cross pairs), cancel then resume landing exactly where an uninterrupted run lands,
// and a NaN stop that names the step and keeps the last checkpoint.
import { beforeAll, describe, expect, it } from 'vitest';
import { add, mul, parameter, sum } from '../../src/autograd';
import type { RunEvent } from '../../src/protocol/events';
import { summarize } from '../../src/cli/commands/experiment-run';
import { buildPredictor } from '../../src/experiments/methods';
import { loadBuiltin } from '../../src/experiments/prepare';
import { presetSpec } from '../../src/experiments/presets';
import { runExperiment, type RunnerEnv } from '../../src/experiments/runner';
import type { Trainable } from '../../src/experiments/scorers/scorer';
import { MemoryRunStore } from '../../src/experiments/runs/store';
import { DeviceLostError, OutOfMemoryError } from '../../src/gpu/errors';
import { createBackend, type Backend } from '../../src/tensor';

let be: Backend;
beforeAll(async () => {
  be = await createBackend('cpu');
});

function env(store = new MemoryRunStore(), extra: Partial<RunnerEnv> = {}): RunnerEnv {
  return { backend: be, adapter: null, store, loadData: loadBuiltin, appVersion: 'test', checkpointEvery: 3, ...extra };
}

const tiny = () => presetSpec('tiny');

describe('runExperiment', () => {
  it('runs the tiny preset: events, a complete record, the marginal control at 50% on cross pairs', async () => {
    const events: RunEvent[] = [];
    const store = new MemoryRunStore();
    const record = await runExperiment(tiny(), env(store), { onEvent: (e) => events.push(e) });
    expect(record.status).toBe('done');
    expect(record.appVersion).toBe('test');
    expect(record.backend).toEqual({ kind: 'cpu', adapter: null });
    expect(record.arms.map((a) => a.status)).toEqual(['done', 'done']);
    for (const arm of record.arms) {
      expect(arm.sets.map((s) => s.set)).toEqual(['generic', 'cross', 'unseen']);
      for (const s of arm.sets) {
        expect(s.lo).toBeLessThanOrEqual(s.accuracy);
        expect(s.hi).toBeGreaterThanOrEqual(s.accuracy);
      }
      expect(arm.curve.length).toBeGreaterThan(0);
      expect(arm.curve[0]).toHaveProperty('rewards/accuracies');
      expect(arm.curve[0]).toHaveProperty('loss');
      expect(arm.perPersona.length).toBeGreaterThan(0);
    }
    const marginal = record.arms[1].sets.find((s) => s.set === 'cross')!;
    expect(Math.abs(marginal.accuracy - 0.5)).toBeLessThan(0.02);
    expect(record.data?.ceilings?.cross?.blind).toBe(0.5);
    // Every kind of event arrived, all with this run's id, the last one the final result.
    const kinds = new Set(events.map((e) => e.kind));
    expect(kinds).toEqual(new Set(['progress', 'metrics', 'result']));
    expect(events.every((e) => e.runId === record.id)).toBe(true);
    const last = events[events.length - 1];
    expect(last.kind === 'result' && last.final).toBe(true);
    const fractions = events.filter((e) => e.kind === 'progress').map((e) => (e.kind === 'progress' ? e.fraction : 0));
    expect(fractions[fractions.length - 1]).toBe(1);
    // The stored record is the returned one, and the finished run keeps no checkpoints.
    expect(await store.getRecord(record.id)).toEqual(record);
    expect(await store.getCheckpoint(record.id, 0)).toBeNull();
  });

  it('a cancelled run keeps its checkpoint and resumes to the same result as an uninterrupted run', async () => {
    const spec = tiny();
    const straight = await runExperiment(spec, env());
    const store = new MemoryRunStore();
    const ac = new AbortController();
    let metrics = 0;
    const errors: RunEvent[] = [];
    const cancelled = await runExperiment(spec, env(store), {
      signal: ac.signal,
      onEvent: (e) => {
        if (e.kind === 'metrics' && ++metrics === 4) ac.abort();
        if (e.kind === 'error') errors.push(e);
      },
    });
    expect(cancelled.status).toBe('cancelled');
    expect(errors).toEqual([{ kind: 'error', runId: cancelled.id, name: 'CancelledError', message: 'The run was cancelled.', checkpointKept: true }]);
    const ck = await store.getCheckpoint(cancelled.id, 0);
    expect(ck?.step).toBeGreaterThan(0);
    const resumed = await runExperiment(spec, env(store), { runId: cancelled.id });
    expect(resumed.status).toBe('done');
    expect(resumed.arms[0].final.resumed_from_step).toBe(ck!.step);
    expect(resumed.arms.map((a) => a.sets)).toEqual(straight.arms.map((a) => a.sets));
    expect(resumed.arms.map((a) => a.curve)).toEqual(straight.arms.map((a) => a.curve));
  });

  it('the record keeps every backend a run ran on, and the reason Auto gave', async () => {
    const store = new MemoryRunStore();
    const ac = new AbortController();
    let metrics = 0;
    const first = await runExperiment(tiny(), env(store, { backendReason: 'Auto: the CPU is 30× faster' }), {
      signal: ac.signal,
      onEvent: (e) => {
        if (e.kind === 'metrics' && ++metrics === 2) ac.abort();
      },
    });
    expect(first.backends).toEqual([{ kind: 'cpu', adapter: null }]);
    expect(first.backendReason).toBe('Auto: the CPU is 30× faster');
    const stoppedCurve = first.arms[0].curve.slice();
    expect(stoppedCurve.length).toBeGreaterThan(0);
    // Resumed elsewhere (another adapter): both are listed, the current one is `backend`.
    const ac2 = new AbortController();
    let metrics2 = 0;
    const second = await runExperiment(tiny(), env(store, { adapter: 'Other Adapter', kernels: 'subgroups, f32' }), {
      runId: first.id,
      signal: ac2.signal,
      onEvent: (e) => {
        if (e.kind === 'metrics' && ++metrics2 === 3) ac2.abort();
      },
    });
    // The GPU kernel variants (webgpu runs: src/gpu/kernel-variants.ts) are kept with the backend.
    expect(second.backends).toEqual([
      { kind: 'cpu', adapter: null },
      { kind: 'cpu', adapter: 'Other Adapter', kernels: 'subgroups, f32' },
    ]);
    expect(second.backend).toEqual({ kind: 'cpu', adapter: 'Other Adapter', kernels: 'subgroups, f32' });
    // The CLI summary names both, in order.
    expect(summarize(second).split('\n')[0]).toContain(', cpu then cpu: Other Adapter (subgroups, f32), app test');
    // The saved record holds the curve from step 1, not from the resume step.
    const saved = await store.getRecord(first.id);
    expect(saved!.arms[0].curve[0].step).toBe(stoppedCurve[0].step);
    // Resumed again on the same backend: no duplicate entry.
    const done = await runExperiment(tiny(), env(store, { adapter: 'Other Adapter' }), { runId: first.id });
    expect(done.status).toBe('done');
    expect(done.backends).toHaveLength(2);
  });

  it('refuses to resume with a different spec', async () => {
    const store = new MemoryRunStore();
    const r = await runExperiment(tiny(), env(store));
    await expect(runExperiment({ ...tiny(), seed: 2 }, env(store), { runId: r.id })).rejects.toThrow(/different spec/);
    await expect(runExperiment(tiny(), env(store), { runId: 'run-missing' })).rejects.toThrow(/No saved run/);
  });

  it('stops on a non-finite loss with the step named, and keeps the last checkpoint', async () => {
    const store = new MemoryRunStore();
    // A real model whose loss turns NaN from step 7 on (logged every 2 steps, checkpoint every 3).
    const nanAfter = async (ctx: Parameters<typeof buildPredictor>[0]): Promise<Trainable> => {
      const inner = (await buildPredictor(ctx)) as Trainable;
      let steps = 0;
      const bias = parameter(be.zeros([1]), 'nan.bias');
      return {
        description: inner.description,
        predict: (p, s) => inner.predict(p, s),
        dispose: () => inner.dispose(),
        namedParameters: () => [...inner.namedParameters(), ['nan.bias', bias]],
        forward(pairs, rng, logging) {
          const out = inner.forward(pairs, rng, logging);
          steps++;
          if (steps >= 7) out.loss = add(out.loss, mul(sum(bias), be.fromData([NaN], [1])));
          return out;
        },
      };
    };
    const errors: RunEvent[] = [];
    const record = await runExperiment(tiny(), env(store, { buildPredictor: nanAfter }), { onEvent: (e) => e.kind === 'error' && errors.push(e) });
    expect(record.status).toBe('failed');
    expect(record.error?.name).toBe('NonFiniteLossError');
    expect(record.error?.message).toMatch(/Training stopped at step 8: loss is NaN/);
    expect(record.arms[0].status).toBe('failed');
    expect(errors[0]).toMatchObject({ name: 'NonFiniteLossError', checkpointKept: true });
    expect((await store.getCheckpoint(record.id, 0))?.step).toBe(6);
  });

  it('a leave-one-out sweep yields importance with intervals and planted roles', async () => {
    const spec = { ...tiny(), sweep: { kind: 'leave-one-out', arm: 0, attributes: ['religion', 'fertility'] } };
    spec.arms = [spec.arms[0]];
    const record = await runExperiment(spec, env());
    expect(record.status).toBe('done');
    expect(record.arms.map((a) => a.label)).toEqual(['conditional', 'conditional · all - religion', 'conditional · all - fertility']);
    expect(record.importance.map((i) => `${i.set}:${i.attribute}:${i.role}`)).toEqual([
      'cross:religion:driver',
      'cross:fertility:irrelevant',
      'unseen:religion:driver',
      'unseen:fertility:irrelevant',
    ]);
    for (const imp of record.importance) {
      const acc = (label: string) => record.arms.find((a) => a.label === label)!.sets.find((s) => s.set === imp.set)!.accuracy;
      expect(imp.drop).toBeCloseTo(acc('conditional') - acc(`conditional · all - ${imp.attribute}`), 12);
      expect(imp.lo).toBeLessThanOrEqual(imp.drop + 1e-12);
      expect(imp.hi).toBeGreaterThanOrEqual(imp.drop - 1e-12);
      // The simultaneous interval (Bonferroni over the 2 attributes) is centred on the drop.
      expect(imp.simLo).toBeLessThanOrEqual(imp.drop);
      expect(imp.simHi).toBeGreaterThanOrEqual(imp.drop);
      expect(imp.simHi - imp.drop).toBeCloseTo(imp.drop - imp.simLo, 12);
    }
  });

  it('stops on device loss and on out-of-memory with the typed error, keeping the last checkpoint', async () => {
    // Device loss: the environment's device check fails from the 8th step on.
    let checks = 0;
    const lost = new DeviceLostError('destroyed', 'test');
    const store = new MemoryRunStore();
    const r1 = await runExperiment(tiny(), env(store, { assertDevice: () => { if (++checks >= 8) throw lost; } }));
    expect(r1.status).toBe('failed');
    expect(r1.error).toEqual({ name: 'DeviceLostError', message: lost.message });
    expect((await store.getCheckpoint(r1.id, 0))?.step).toBe(6);

    // Out of memory: the backend's guard fails the 5th training step as WebGPU would.
    let steps = 0;
    const store2 = new MemoryRunStore();
    const real = be.guard.bind(be);
    // An own property shadows the prototype's guard for this run only.
    be.guard = async <T>(what: string, fn: () => T | Promise<T>): Promise<T> => {
      if (what.startsWith('training step') && ++steps === 5) throw new OutOfMemoryError(what, 'test');
      return real(what, fn);
    };
    let r2;
    try {
      r2 = await runExperiment(tiny(), env(store2));
    } finally {
      delete (be as { guard?: unknown }).guard;
    }
    expect(r2.status).toBe('failed');
    expect(r2.error?.name).toBe('OutOfMemoryError');
    expect(r2.error?.message).toMatch(/ran out of memory while training step 5/);
    expect((await store2.getCheckpoint(r2.id, 0))?.step).toBe(3);
    // It resumes from there once memory allows.
    const resumed = await runExperiment(tiny(), env(store2), { runId: r2.id });
    expect(resumed.status).toBe('done');
    expect(resumed.arms[0].final.resumed_from_step).toBe(3);
  });
});
