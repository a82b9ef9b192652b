// trainer_state.json (what transformers' Trainer, and so every TRL trainer, saves) as the lab's
// curves: log_history's training entries (loss, learning_rate, grad_norm, rewards/*, logps/*, ...
// TRL's own metric names, which the lab's curves already use) become CurvePoints, its eval entries
// (eval_loss, or eval_<set>_loss with several eval sets) points of their own, and the closing
// summary (train_loss, train_runtime, ...) the final metrics. A file cut short is refused whole.
import type { CurvePoint } from '../../../protocol/record';
import type { TrlCurves } from '../../../protocol/trl';

export class TrainerStateError extends Error {
  override name = 'TrainerStateError';
}

export type { TrlCurves };

const SUMMARY_KEYS = ['train_loss', 'train_runtime', 'train_samples_per_second', 'train_steps_per_second', 'total_flos'];

function numbers(entry: Record<string, unknown>, where: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(entry)) {
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    else if (v !== null && typeof v !== 'string') throw new TrainerStateError(`trainer_state.json: ${where}.${k} is ${JSON.stringify(v)}, not a number`);
  }
  return out;
}

/** The eval metric's name without "eval_", a named eval set as "set/metric". */
function evalName(key: string, sets: ReadonlySet<string>): string {
  const rest = key.slice('eval_'.length);
  for (const s of sets) if (rest.startsWith(`${s}_`)) return `${s}/${rest.slice(s.length + 1)}`;
  return rest;
}

export function parseTrainerState(text: string): TrlCurves {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const cut = text.trimEnd().endsWith('}') ? '' : ` (it ends mid-way after ${text.length} characters: was it copied while training was still writing it?)`;
    throw new TrainerStateError(`trainer_state.json is not complete JSON${cut}: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { log_history?: unknown }).log_history)) {
    throw new TrainerStateError('trainer_state.json has no log_history list: is it the file transformers\' Trainer saves (trainer.save_state())?');
  }
  const state = raw as { log_history: unknown[]; global_step?: unknown; epoch?: unknown };
  const train: CurvePoint[] = [];
  const evals: CurvePoint[] = [];
  const final: Record<string, number> = {};
  const metrics: string[] = [];
  // Eval set names from keys like eval_test_loss / eval_unseen_loss (several eval datasets).
  const sets = new Set<string>();
  for (const e of state.log_history) {
    if (typeof e !== 'object' || e === null) continue;
    for (const k of Object.keys(e)) {
      const m = /^eval_(.+)_loss$/.exec(k);
      if (m) sets.add(m[1]);
    }
  }
  state.log_history.forEach((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new TrainerStateError(`trainer_state.json: log_history[${i}] is not an object`);
    const n = numbers(e as Record<string, unknown>, `log_history[${i}]`);
    if (typeof n.step !== 'number') throw new TrainerStateError(`trainer_state.json: log_history[${i}] has no step`);
    const { step, epoch = NaN, ...rest } = n;
    const keys = Object.keys(rest);
    if (keys.some((k) => SUMMARY_KEYS.includes(k))) {
      Object.assign(final, rest);
    } else if (keys.some((k) => k.startsWith('eval_'))) {
      const p: CurvePoint = { step, epoch };
      for (const k of keys) if (k.startsWith('eval_')) p[evalName(k, sets)] = rest[k];
      evals.push(p);
    } else if (keys.length > 0) {
      for (const k of keys) if (!metrics.includes(k)) metrics.push(k);
      train.push({ step, epoch, ...rest });
    }
  });
  if (train.length === 0 && evals.length === 0) throw new TrainerStateError('trainer_state.json: log_history has no logged metrics (was logging_steps larger than the run?)');
  if (typeof state.global_step === 'number') final.global_step = state.global_step;
  if (typeof state.epoch === 'number') final.epoch = state.epoch;
  return { train, eval: evals, final, metrics };
}
