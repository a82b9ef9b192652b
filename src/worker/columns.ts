// Generation for the generalised Compare view: each column is a (model id, persona) pair; every
// column gets `samples` answers to one built-in question, the rows of one model in one batch
// (each row its own seeded stream), streamed as they grow, each read by the truth judge for its
// column's persona, and by the Stage-1 reward model when one is chosen (compare-reward.ts). Blind
// rating's items are built from these answers (rating.ts).
import { stackRows } from '../train/policy/condition-embedding';
import { QUESTIONS, type Attributes } from '../data';
import type { ColumnAnswer, ColumnsOutcome, ColumnsRequest, ColumnTokenEvent } from '../protocol/rating';
import { generate, type GenerateOptions } from '../models/generate/generate';
import type { OnnxGenerateOptions } from '../models/onnx/onnx-lm';
import { builtinChat, splitAssistantText } from '../models/builtin/format';
import { answerPrompt, readPersona } from '../models/builtin/read-persona';
import { truthView } from '../experiments/rating/truth-view';
import { directionalCondition, directionalPrompt, policyPrompt, policyShown } from '../experiments/policy/saved-policy';
import { Rng } from '../util/rng';
import { resolve, type ColumnModel } from './column-models';
import { GenerationBusyError } from './model-errors';
import { compareDataset } from './models';
import { personaPrompt } from './persona-prompt';
import { scoreWithRewardModel } from './compare-reward';

export const MAX_COLUMNS = 6;
export const MAX_SAMPLES = 16;

export class ColumnsRequestError extends Error {
  override name = 'ColumnsRequestError';
}

let running: AbortController | null = null;

interface Row {
  column: number;
  sample: number;
  attributes: Attributes;
  direction?: number[];
}

function check(req: ColumnsRequest): void {
  if (req.columns.length < 1 || req.columns.length > MAX_COLUMNS) throw new ColumnsRequestError(`Pick between 1 and ${MAX_COLUMNS} columns (got ${req.columns.length}).`);
  if (!Number.isInteger(req.samples) || req.samples < 1 || req.samples > MAX_SAMPLES) throw new ColumnsRequestError(`Samples per column must be a whole number from 1 to ${MAX_SAMPLES} (got ${req.samples}).`);
}

/** Prompts for one model's rows; the built-in model's guided decode reads each persona first. */
async function prompts(m: ColumnModel, question: (typeof QUESTIONS)[number], rows: readonly Row[], req: ColumnsRequest, signal: AbortSignal, onStyle: (i: number, style: string) => void): Promise<{ text: string; style?: string }[]> {
  const out: { text: string; style?: string }[] = [];
  for (const [i, r] of rows.entries()) {
    if (signal.aborted) break;
    if (m.prompt === 'builtin-guided' && m.model) {
      const seed = new Rng(req.seed).fork(`read-${r.column}-${r.sample}`).nextUint32();
      const reading = await readPersona(m.model, m.tokenizer, question, r.attributes, { temperature: req.temperature, seed });
      onStyle(i, reading.style);
      out.push({ text: answerPrompt(m.tokenizer, question, r.attributes, reading), style: reading.style });
    } else if (m.prompt === 'policy' && m.policy?.objectives) {
      // A directional policy reads a direction, as it was trained, not a persona.
      out.push({ text: directionalPrompt(m.tokenizer, m.policy.objectives, r.direction, question.text, m.policy.placement) });
    } else if (m.prompt === 'policy' && m.policy) {
      out.push({ text: policyPrompt(m.tokenizer, r.attributes, m.policy.subset, question.text) });
    } else if (m.prompt === 'builtin-blind') {
      out.push({ text: m.tokenizer.applyChatTemplate(builtinChat(null, question.text)) });
    } else {
      out.push({ text: personaPrompt(m.tokenizer, r.attributes, question.text, m.prompt === 'builtin-policy') });
    }
  }
  return out;
}

/** The answer part of generated text, and the style line the model wrote or read. */
function shownText(m: ColumnModel, text: string, style?: string): { text: string; style?: string } {
  if (m.prompt === 'policy' && m.policy) return policyShown(m.policy.layout, text);
  if (m.prompt === 'builtin-blind') {
    const s = splitAssistantText(text);
    return { text: s.answer, style: s.style };
  }
  return { text: text.trim(), style };
}

/** Our engine's generate, or the ONNX model's (its graph's KV cache) for an ONNX column. */
function generateWith(m: ColumnModel, ids: number[][], o: GenerateOptions & OnnxGenerateOptions) {
  if (m.onnx) return m.onnx.generate(m.tokenizer, ids, o);
  if (!m.model) throw new ColumnsRequestError(`The column model ${m.label} has no weights loaded.`);
  return generate(m.model, m.tokenizer, ids, o);
}

export async function generateColumns(req: ColumnsRequest, onToken?: (e: ColumnTokenEvent) => void): Promise<ColumnsOutcome> {
  check(req);
  if (running) throw new GenerationBusyError();
  const ds = compareDataset();
  const question = QUESTIONS.find((q) => q.id === req.instructionId);
  if (!question) throw new ColumnsRequestError(`Unknown instruction '${req.instructionId}': the Compare view asks the built-in dataset's questions.`);
  const persona = new Map(ds.personas.map((p) => [p.id, p]));
  for (const c of req.columns) if (!persona.has(c.personaId)) throw new ColumnsRequestError(`Unknown persona '${c.personaId}' (the Compare view uses the built-in dataset's personas).`);
  const controller = new AbortController();
  running = controller;
  const t0 = performance.now();
  try {
    const models = await Promise.all(req.columns.map((c) => resolve(c.modelId)));
    const answers: ColumnAnswer[] = [];
    // One batch per model id, in column order.
    for (const id of [...new Set(req.columns.map((c) => c.modelId))]) {
      const m = models[req.columns.findIndex((c) => c.modelId === id)];
      const rows: Row[] = req.columns.flatMap((c, column) => (c.modelId === id ? Array.from({ length: req.samples }, (_, sample) => ({ column, sample, attributes: persona.get(c.personaId)!.attributes, direction: c.direction })) : []));
      const ps = await prompts(m, question, rows, req, controller.signal, (i, style) => onToken?.({ column: rows[i].column, sample: rows[i].sample, text: '', style, tokens: 0 }));
      const ids = ps.map((p) => m.tokenizer.encode(p.text));
      const counts = new Array<number>(ids.length).fill(0);
      // An embedding-placed directional policy reads each row's direction as its learned vector, not as text.
      const cond = m.policy?.objectives && m.policy.condition;
      const condition = cond ? stackRows(rows.map((r) => directionalCondition(m.policy!.objectives!, r.direction, cond))) : null;
      const gens =
        ps.length < rows.length
          ? rows.map(() => ({ ids: [] as number[], text: '', reason: 'aborted' as const }))
          : await generateWith(m, ids, {
              maxNewTokens: req.maxNewTokens,
              temperature: req.temperature,
              topP: req.topP,
              seed: new Rng(req.seed).fork(`columns-${id}`).nextUint32(),
              vocabLimit: m.tokenizer.size,
              signal: controller.signal,
              condition,
              conditionGate: cond ? (cond.gate ?? null) : null,
              guidance: condition ? (m.policy?.guidance ?? 0) : 0,
              plausibility: condition ? (m.policy?.plausibility ?? 0) : 0,
              onToken: (row, _id, text) => onToken?.({ column: rows[row].column, sample: rows[row].sample, ...shownText(m, text, ps[row].style), tokens: ++counts[row] }),
            });
      gens.forEach((g, i) => {
        const r = rows[i];
        const shown = shownText(m, g.text, ps[i]?.style);
        answers.push({ column: r.column, sample: r.sample, ...shown, tokens: g.ids.length, stopReason: g.reason, truth: truthView(ds, req.columns[r.column].personaId, question.id, shown.text) });
      });
    }
    answers.sort((a, b) => a.column - b.column || a.sample - b.sample);
    let rewardModel: ColumnsOutcome['rewardModel'];
    if (req.rewardModelRun) {
      const ref = req.rewardModelRun;
      const r = await scoreWithRewardModel(ref, answers.map((a) => ({ personaId: req.columns[a.column].personaId, questionId: question.id, instruction: question.text, answer: a.text })));
      if ('error' in r) rewardModel = { ref, error: r.error };
      else {
        answers.forEach((a, i) => (a.reward = r.scores[i]));
        rewardModel = { ref, description: r.description };
      }
    }
    return { datasetId: ds.id, instructionId: question.id, instruction: question.text, modelLabels: models.map((m) => m.label), answers, seconds: (performance.now() - t0) / 1000, rewardModel };
  } finally {
    running = null;
  }
}

/** Stops the running column generation after its current token. */
export async function stopColumns(): Promise<boolean> {
  if (!running) return false;
  running.abort();
  return true;
}
