// Offline DPO as a model the pairwise training loop trains (train/loop.ts: seeded batches, AdamW,
// checkpoints, resume, cancel, non-finite stop): each preference pair becomes prompt / chosen /
// rejected tokens in the base policy's chat layout, the reference's log-probs are computed once
// before training (no gradients), and a step is train/policy's pairLogProbs + dpoLoss, logged
// with TRL's names (dpoMetricsFrom). The trainable parameters are a LoRA adapter on the frozen
// base, or every weight of a private copy of the base (full finetuning).
import { scale, sub } from '../../autograd';
import type { PreferencePair } from '../../data';
import type { LlamaModel } from '../../models/llama/model';
import type { LoraAdapter } from '../../models/lora/adapter';
import type { Backend, Tensor } from '../../tensor';
import type { PairModel, BatchOutput } from '../../train/pair-model';
import { dpoLoss, dpoMetricsFrom, pairLogProbs, readPairLogProbs, type DpoOptions, type PreferenceRow } from '../../train/policy';
import type { DpoMethodSpec } from '../../protocol/policy';
import { stackRows, type ConditionSource } from '../../train/policy/condition-embedding';
import { abortPoint } from '../../util/abort-point';

export interface ReferenceLogps {
  chosen: number;
  rejected: number;
  chosenCount: number;
  rejectedCount: number;
}

export function dpoOptions(m: Pick<DpoMethodSpec, 'loss' | 'beta' | 'labelSmoothing' | 'simpoGamma' | 'rpoAlpha'>): DpoOptions {
  return { loss: m.loss, beta: m.beta, labelSmoothing: m.labelSmoothing, simpoGamma: m.simpoGamma, rpoAlpha: m.rpoAlpha };
}

/** The reference's log-prob sums of every pair, read once in batches (no gradients). */
export async function referenceLogps(
  model: LlamaModel,
  rows: ReadonlyMap<string, PreferenceRow>,
  o: { padId: number; maxLength: number; batchSize: number; signal?: AbortSignal; onProgress?(done: number, total: number): void },
): Promise<Map<string, ReferenceLogps>> {
  const ids = [...rows.keys()];
  const out = new Map<string, ReferenceLogps>();
  for (let i = 0; i < ids.length; i += o.batchSize) {
    await abortPoint(o.signal);
    const chunk = ids.slice(i, i + o.batchSize);
    const r = await readPairLogProbs(model, chunk.map((id) => rows.get(id)!), { padId: o.padId, maxLength: o.maxLength, adapter: null });
    // readPairLogProbs returns host arrays (its sums are read back).
    const c = r.chosen.sum as ArrayLike<number>;
    const rj = r.rejected.sum as ArrayLike<number>;
    chunk.forEach((id, b) => out.set(id, { chosen: c[b], rejected: rj[b], chosenCount: r.chosen.counts[b], rejectedCount: r.rejected.counts[b] }));
    o.onProgress?.(Math.min(ids.length, i + o.batchSize), ids.length);
  }
  return out;
}

export class DpoPolicyModel implements PairModel {
  private readonly options: DpoOptions;

  constructor(
    private readonly be: Backend,
    private readonly model: LlamaModel,
    private readonly adapter: LoraAdapter | null,
    private readonly rows: ReadonlyMap<string, PreferenceRow>,
    private readonly reference: ReadonlyMap<string, ReferenceLogps>,
    method: DpoMethodSpec,
    private readonly padId: number,
    private readonly maxLength: number,
    /** A learned persona (or direction) embedding trained with the policy, or fixed vectors; rows carry its inputs. */
    private readonly condition: ConditionSource | null = null,
    /** The embedding's learning rate as a multiple of the policy's (method.conditionLr / train.lr). */
    private readonly conditionLrScale = 1,
  ) {
    this.options = dpoOptions(method);
  }

  namedParameters(): Array<[string, Tensor]> {
    const own: Array<[string, Tensor]> = this.condition ? this.condition.namedParameters('condition.') : [];
    if (!this.adapter) return [...this.model.namedParameters(), ...own];
    return [
      ...[...this.adapter.modules].flatMap(([path, p]): Array<[string, Tensor]> => [
        [`${path}.lora_A`, p.A],
        [`${path}.lora_B`, p.B],
      ]),
      ...own,
    ];
  }

  lrScales(): ReadonlyMap<Tensor, number> {
    return new Map(this.condition && this.conditionLrScale !== 1 ? this.condition.parameters().map((p) => [p, this.conditionLrScale]) : []);
  }

  forward(pairs: readonly PreferencePair[]): BatchOutput {
    const rows = pairs.map((p) => this.rows.get(p.id)!);
    const refs = pairs.map((p) => this.reference.get(p.id)!);
    const B = pairs.length;
    const condition = this.condition ? this.condition.read(stackRows([...rows, ...rows].map((r) => r.condition!)), 2 * B) : null;
    const { chosen, rejected } = pairLogProbs(this.model, rows, { padId: this.padId, maxLength: this.maxLength, adapter: this.adapter, condition });
    const weights = rows.some((x) => x.weight !== undefined) ? rows.map((x) => x.weight ?? 1) : null;
    const refC = refs.map((r) => r.chosen);
    const refR = refs.map((r) => r.rejected);
    const r = dpoLoss(
      { policyChosen: chosen, policyRejected: rejected, referenceChosen: { sum: refC, counts: chosen.counts }, referenceRejected: { sum: refR, counts: rejected.counts }, weights },
      this.options,
    );
    // The implicit reward margin per pair, β((π_c − ρ_c) − (π_r − ρ_r)); the logged metrics come from `stats`.
    const refDiff = this.be.fromData(Float32Array.from(refs, (x) => x.chosen - x.rejected), [B]);
    const margins = scale(sub(sub(chosen.sum, rejected.sum), refDiff), this.options.beta);
    return { loss: r.loss, margins, stats: r.stats };
  }

  async readStats(stats: Tensor): Promise<Record<string, number>> {
    const data = await stats.data();
    const B = Math.floor(data.length / 4);
    return { ...dpoMetricsFrom(data, B, this.options.loss, this.options.beta) };
  }
}
