// `policy run`: run a policy (Stage 2) spec — a JSON file or a preset — headless with the same
// runner the app's worker uses, printing progress, TRL-named metrics and a summary of the truth
// judge's verdicts (and the reward-model judge's, when eval.rewardModelRun names a Stage-1 run kept
// in --stage1-runs). The base may be an ONNX decoder (--base onnx:DIR, or base.kind "onnx") when
// every arm is untrained (roleplay, few-shot); it runs on onnxruntime-web's WASM EP. The record goes to a runs folder (resumable) and, with --json, to a file.
// Ctrl-C cancels cleanly and keeps the checkpoint for --resume.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireGpu, type GpuContext } from '../../gpu';
import { nodeGpu } from '../../gpu/node';
import { FileRunStore } from '../../experiments/node/file-store';
import { loadDataNode } from '../../experiments/node/load-data';
import { loadPolicyBaseNode, policyBaseDir } from '../../experiments/node/load-policy-base';
import { nodeOnnxLoader } from '../../experiments/node/load-onnx';
import { policyPresetSpec } from '../../experiments/policy/presets';
import { loadStage1RewardModel } from '../../experiments/policy/stage1-reward';
import { DataUnavailableError } from '../../experiments/prepare';
import { isBuiltin } from '../../data';
import { runPolicy, type PolicyRunnerEnv } from '../../experiments/policy/runner';
import { parseKeptMultiObjective } from '../../experiments/analysis/kept-model';
import { RewardModelUnavailableError } from '../../experiments/policy/reward';
import { parsePolicySpec, parsePolicySpecJson } from '../../experiments/policy/spec';
import { POLICY_CARD, policyCard } from '../../experiments/policy/save';
import { APP_VERSION } from '../../experiments/version';
import type { PolicyRecord, PolicyRunEvent, PolicySpec, RateWithInterval, UtilityChange } from '../../protocol/policy';
import type { Backend } from '../../tensor';
import { createBackend } from '../../tensor';
import { parseFlags, UsageError, type CliCommand } from '../command';

/** What a PPO or RLOO step logs (TRL's names), in the order printed. */
const RL_METRICS = ['objective/scores', 'objective/kl', 'objective/rlhf_reward', 'policy/approxkl_avg', 'policy/clipfrac_avg', 'loss/policy_avg', 'loss/value_avg'];
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const withCi = (r: RateWithInterval) => `${pct(r.rate)} [${pct(r.lo)}, ${pct(r.hi)}]`;

export function summarizePolicy(r: PolicyRecord): string {
  const lines = [`policy run ${r.id} (${r.name}, seed ${r.seed}, ${r.backend.kind}, app ${r.appVersion}): ${r.status}`];
  if (r.base) lines.push(`base: ${r.base}`);
  if (r.data) {
    const d = r.data;
    lines.push(`data: ${d.id}: ${d.personas} personas (${d.unseenPersonas} unseen); train pairs generic ${d.trainPairs.generic}, cross ${d.trainPairs.cross}; eval prompts seen ${d.evalPrompts.seen}, unseen ${d.evalPrompts.unseen}`);
    for (const s of d.skew) lines.push(`skewed axis ${s.axis}: minority ${s.minorityPole} (${pct(s.minorityShare)} of personas)`);
  }
  const rm = r.judges.rewardModel;
  lines.push(`judges: truth = ${r.judges.truth}; reward model: ${rm.status === 'ok' ? rm.description : `${rm.status} (${rm.reason})`}`);
  for (const a of r.arms) {
    lines.push(`${a.label}: ${a.method}, conditioning ${a.conditioning}, training ${a.training}; ${a.status}${a.error ? ` (${a.error})` : ''}, ${a.seconds.toFixed(0)} s${a.saved ? `; saved in ${a.saved}` : ''}`);
    const f = a.final;
    const rl = a.rewardModel !== undefined && a.iterations === undefined && a.directional === undefined;
    if (f.steps && !rl) lines.push(`  training: ${f.steps} steps on ${f.train_pairs} pairs; last logged loss ${f.loss?.toFixed(4)}, rewards/accuracies ${f['rewards/accuracies']?.toFixed(3)}, rewards/margins ${f['rewards/margins']?.toFixed(3)}`);
    if (f.steps && rl) lines.push(`  training: ${f.steps} steps on ${f.train_prompts} prompts; last step ${RL_METRICS.map((k) => `${k} ${f[k] === undefined ? '-' : f[k].toFixed(3)}`).join(', ')}`);
    if (a.rewardModel !== undefined) lines.push(`  reward model: ${a.rewardModel}`);
    const pd = a.personaDirections;
    if (pd) lines.push(`  personas read as directions by ${pd.rewardModel === a.rewardModel ? 'that reward model' : `the ${pd.rewardModel}`}; signs agree with the planted tastes on ${pct(pd.tasteSignAgreement)} of persona × objective; answers written at strength ${pd.strength}${pd.sharedWith ? `; written with the policy arm "${pd.sharedWith}" trained` : ''}${a.start ? `; trained on from the directional policy of "${a.start}" (its start and KL reference)` : ''}`);
    for (const it of a.iterations ?? []) {
      const u = it.utility;
      lines.push(`  iteration ${it.iteration}: ${it.pairs} pairs of ${it.prompts} prompts (${it.ties} tied), mean RM score ${it.meanScore === null ? '-' : it.meanScore.toFixed(3)}; truth: utility ${u.mean.toFixed(3)} [${u.lo.toFixed(3)}, ${u.hi.toFixed(3)}] n=${u.n}, vs start ${withCi(it.vsBase)}, invalid ${pct(it.invalidRate)}`);
      const c = it.change;
      const ch = (x: UtilityChange) => `${x.mean.toFixed(3)} [${x.lo.toFixed(3)}, ${x.hi.toFixed(3)}] (${x.rose} rose, ${x.fell} fell of ${x.n})`;
      if (c) lines.push(`    paired change of utility: vs iteration ${it.iteration - 1} ${ch(c.vsPrevious)}; vs start ${ch(c.vsStart)}`);
    }
    const dir = a.directional;
    if (dir) {
      lines.push(`  directional judge: ${dir.judgeQuestions.length} held-out questions, ${dir.baseDirections} base directions, |u_k| ${dir.magnitude}; moving u_k from − to +:`);
      for (const x of dir.axes) lines.push(`    ${x.objective.padEnd(10)} n=${String(x.n).padEnd(3)} pole − → + ${withCi(x.flipped)}; changed ${withCi(x.changed)}; other axes hold ${withCi(x.held)}; invalid ${pct(x.invalidRate)}`);
      lines.push(`    overall    n=${dir.overall.flipped.n} pole − → + ${withCi(dir.overall.flipped)}; changed ${withCi(dir.overall.changed)}; other axes hold ${withCi(dir.overall.held)}`);
      const s = dir.logOddsShift;
      if (s) lines.push(`  teacher-forced: moving u_k from − to + moves the log-odds of axis k's + pole by ${s.mean.toFixed(3)} nats [${s.lo.toFixed(3)}, ${s.hi.toFixed(3)}] (n=${s.n}; 0: the direction is ignored)`);
      const f = dir.fit;
      if (f) lines.push(`  on ${f.questions.length} questions it trained on (new directions): pole − → + ${withCi(f.overall.flipped)}; other axes hold ${withCi(f.overall.held)}; shift ${f.logOddsShift.mean.toFixed(3)} nats`);
      const fmt = (v: { mean: number; lo: number; hi: number }) => `${v.mean.toFixed(2)} [${v.lo.toFixed(2)}, ${v.hi.toFixed(2)}]`;
      const at = (vals: { objective: string; mean: number; lo: number; hi: number }[], o: string) => fmt(vals.find((v) => v.objective === o)!);
      lines.push(`  Pareto sweep (${dir.sweep.x}, ${dir.sweep.y}), mean truth pole: base ${at(dir.sweep.base, dir.sweep.x)}, ${at(dir.sweep.base, dir.sweep.y)}`);
      for (const p of dir.sweep.points) lines.push(`    θ ${((p.angle * 180) / Math.PI).toFixed(0).padStart(3)}°: ${dir.sweep.x} ${at(p.values, dir.sweep.x)}, ${dir.sweep.y} ${at(p.values, dir.sweep.y)}`);
    }
    for (const e of a.eval) {
      lines.push(
        `  ${e.set.padEnd(6)} ${e.personas} personas, ${e.answers} answers: vs base ${withCi(e.vsBase)} (per persona median ${pct(e.perPersonaVsBase.median)}, IQR ${pct(e.perPersonaVsBase.q1)}–${pct(e.perPersonaVsBase.q3)}); vs Bayes-best ${withCi(e.vsBayes)}`,
      );
      lines.push(`         utility ${e.meanUtility.toFixed(3)} (base ${e.baseUtility.toFixed(3)}, Bayes-best ${e.bestUtility.toFixed(3)}), gap closed ${pct(e.gapClosed)}, KL to base ${e.kl.toFixed(2)} nats, invalid ${pct(e.invalidRate)} (base ${pct(e.baseInvalidRate)})`);
      const j = e.rewardModel;
      if (j) {
        const gap = `${j.hackingGap >= 0 ? '+' : ''}${(100 * j.hackingGap).toFixed(1)} pts`;
        lines.push(`         reward model: vs base ${withCi(j.vsBase)}, mean score ${j.meanScore.toFixed(3)} (base ${j.baseMeanScore.toFixed(3)}), reward-hacking gap ${gap} (RM win rate − truth win rate)`);
      }
      const own = e.optimizedRewardModel;
      if (own) {
        const gap = `${own.hackingGap >= 0 ? '+' : ''}${(100 * own.hackingGap).toFixed(1)} pts`;
        lines.push(`         the reward model it optimized: vs base ${withCi(own.vsBase)}, mean score ${own.meanScore.toFixed(3)} (base ${own.baseMeanScore.toFixed(3)}), reward-hacking gap ${gap}`);
      }
    }
  }
  for (const s of r.skew) {
    lines.push(`skew ${s.axis} (minority ${s.minorityPole}, ${pct(s.minorityShare)}): ${s.conditional} vs ${s.marginal}: minority ${withCi(s.minority)} n=${s.minority.n}, majority ${withCi(s.majority)} n=${s.majority.n}`);
    const b = s.vsBase;
    if (b) lines.push(`  against the base: ${s.conditional}: minority ${withCi(b.conditional.minority)}, majority ${withCi(b.conditional.majority)}; ${s.marginal}: minority ${withCi(b.marginal.minority)}, majority ${withCi(b.marginal.majority)}`);
  }
  if (r.error) lines.push(`${r.error.name}: ${r.error.message}`);
  return lines.join('\n');
}

/** Writes a trained policy under `root`; full weights get the base's config and tokenizer beside them. */
function savePolicyTo(root: string, baseDir: string, spec: PolicySpec): NonNullable<PolicyRunnerEnv['savePolicy']> {
  return async (runId, arm, label, saved) => {
    const dir = join(root, runId, `${arm}-${label.replace(/[^A-Za-z0-9_-]+/g, '-')}`);
    await mkdir(dir, { recursive: true });
    if (saved.kind === 'full') for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) await copyFile(join(baseDir, f), join(dir, f));
    for (const [name, content] of Object.entries(saved.files)) await writeFile(join(dir, name), content);
    // Which persona lines the policy reads, so the app's Compare view prompts the folder as the run did.
    await writeFile(join(dir, POLICY_CARD), JSON.stringify(policyCard(spec, runId, arm, saved.objectives), null, 2) + '\n');
    return dir;
  };
}

/** eval.rewardModelRun's model, from the Stage-1 runs in `dir` (what `experiment run --runs` wrote), for the spec's world. */
function stage1RewardModels(dir: string, backend: Backend, spec: PolicySpec): NonNullable<PolicyRunnerEnv['loadRewardModel']> {
  const world = async () => {
    const ds = await loadDataNode(spec.data);
    if (!isBuiltin(ds)) throw new DataUnavailableError('Policy runs need the built-in world');
    return ds;
  };
  return (ref, signal) => loadStage1RewardModel({ store: new FileRunStore(dir), where: `the Stage-1 runs in ${dir}/ (--stage1-runs)`, backend, world }, ref, signal);
}

function formatEta(s: number | null): string {
  if (s === null) return '';
  return s >= 90 ? ` ~${Math.round(s / 60)} min left` : ` ~${Math.round(s)} s left`;
}

export const policyRun: CliCommand = {
  path: ['policy', 'run'],
  summary: 'Run a policy (Stage 2) spec (JSON file or --preset) and judge it by the truth',
  usage: [
    'SPEC.json | --spec SPEC.json | --preset NAME   the spec (see `policy presets`)',
    '--backend cpu|webgpu (cpu)  --json OUT writes the run record',
    '--runs DIR (runs/policy) keeps records and checkpoints   --resume RUN_ID continues a stopped run',
    '--stage1-runs DIR (runs) where eval.rewardModelRun\'s Stage-1 run is (RUN_ID or RUN_ID#ARM; --reward-model REF sets it)',
    '--base builtin-policy|builtin|DIR|onnx:LOCATION  replaces the spec\'s base policy (a checkpoint folder for DIR; an ONNX model folder, URL or hf:owner/name for onnx:, untrained arms only)',
    '--save DIR writes each trained policy to DIR/RUN_ID/ARM (full: a checkpoint folder; LoRA: the adapter) with its card (persona_lab_policy.json)',
    '--checkpoint-every N (50) steps between checkpoints   --quiet prints only the summary',
  ],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['quiet']);
    const preset = typeof flags.preset === 'string' ? flags.preset : undefined;
    if (typeof flags.spec === 'string') rest.push(flags.spec);
    if ((rest.length === 1) === (preset !== undefined)) throw new UsageError('give one spec file (SPEC.json or --spec SPEC.json) or --preset NAME');
    let spec = preset ? policyPresetSpec(preset) : parsePolicySpecJson(await readFile(rest[0], 'utf8'));
    if (typeof flags.base === 'string') {
      const b = flags.base;
      spec = parsePolicySpec({ ...spec, base: b === 'builtin-policy' || b === 'builtin' ? { kind: b } : b.startsWith('onnx:') ? { kind: 'onnx', onnx: b.slice('onnx:'.length) } : { kind: 'path', path: b } });
    }
    if (typeof flags['reward-model'] === 'string') spec = parsePolicySpec({ ...spec, eval: { ...spec.eval, rewardModelRun: flags['reward-model'] } });
    const kind = String(flags.backend ?? 'cpu');
    if (kind !== 'cpu' && kind !== 'webgpu') throw new UsageError(`--backend must be cpu or webgpu, not '${kind}'`);
    const every = flags['checkpoint-every'] === undefined ? 50 : Number(flags['checkpoint-every']);
    if (!Number.isInteger(every) || every < 1) throw new UsageError('--checkpoint-every must be a positive integer');
    let ctx: GpuContext | null = null;
    if (kind === 'webgpu') ctx = await acquireGpu({ gpu: await nodeGpu() });
    const backend = ctx ? await createBackend('webgpu', ctx) : await createBackend('cpu');
    const store = new FileRunStore<PolicyRecord>(String(flags.runs ?? 'runs/policy'));
    const ac = new AbortController();
    // Ctrl-C, or `kill` from a job runner: the run stops at its next step as cancelled, resumable.
    const onSignal = () => {
      console.error('\ncancelling (the last checkpoint is kept)...');
      ac.abort();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let lastLine = 0;
    const onEvent = (e: PolicyRunEvent) => {
      if (flags.quiet) return;
      if (e.kind === 'progress' && (Date.now() - lastLine > 5000 || e.phase !== 'train')) {
        if (e.phase === 'eval' && Date.now() - lastLine < 5000) return;
        lastLine = Date.now();
        console.error(`[${(100 * e.fraction).toFixed(0).padStart(3)}%] arm ${e.arm + 1}/${e.arms} ${e.message}${formatEta(e.etaSeconds)}`);
      } else if (e.kind === 'metrics') {
        const p = e.point;
        const f = (k: string) => (p[k] === undefined ? '-' : p[k].toFixed(3));
        if (p['rewards/margins'] === undefined && p['objective/scores'] !== undefined) console.error(`       ${e.armLabel} step ${p.step} ${RL_METRICS.map((k) => `${k} ${f(k)}`).join(' ')}`);
        else console.error(`       ${e.armLabel} step ${p.step}${p.iteration === undefined ? '' : ` (iteration ${p.iteration})`} loss ${f('loss')} rewards/accuracies ${f('rewards/accuracies')} rewards/margins ${f('rewards/margins')} rewards/chosen ${f('rewards/chosen')} rewards/rejected ${f('rewards/rejected')} logps/chosen ${f('logps/chosen')}`);
      } else if (e.kind === 'error') {
        console.error(`${e.name}: ${e.message}${e.checkpointKept ? ' (checkpoint kept)' : ''}`);
      }
    };
    try {
      const record = await runPolicy(
        spec,
        {
          backend,
          adapter: ctx?.report.summary ?? null,
          store,
          loadData: loadDataNode,
          loadBase: loadPolicyBaseNode,
          loadOnnx: nodeOnnxLoader({ token: process.env.HF_TOKEN }),
          appVersion: APP_VERSION,
          checkpointEvery: every,
          savePolicy: typeof flags.save === 'string' ? savePolicyTo(flags.save, policyBaseDir(spec.base), spec) : undefined,
          loadRewardModel: stage1RewardModels(String(flags['stage1-runs'] ?? 'runs'), backend, spec),
          loadMultiObjectiveModel: async (ref) => {
            let text: string;
            try {
              text = await readFile(ref, 'utf8');
            } catch (e) {
              throw new RewardModelUnavailableError(`method.rewardModel: cannot read ${ref} (${e instanceof Error ? e.message : String(e)}); write one with \`analysis run --preset builtin --parts multi-objective --keep-model ${ref}\``);
            }
            return parseKeptMultiObjective(JSON.parse(text), ref);
          },
          assertDevice: ctx
            ? () => {
                if (ctx.lost) throw ctx.lost;
              }
            : undefined,
        },
        { runId: typeof flags.resume === 'string' ? flags.resume : undefined, signal: ac.signal, onEvent },
      );
      console.log(summarizePolicy(record));
      if (typeof flags.json === 'string') await writeFile(flags.json, JSON.stringify(record, null, 2) + '\n');
      if (record.status !== 'done') {
        console.error(`resume with: npm run cli -- policy run ${preset ? `--preset ${preset}` : rest[0]}${typeof flags.base === 'string' ? ` --base ${flags.base}` : ''}${typeof flags['reward-model'] === 'string' ? ` --reward-model '${flags['reward-model']}'` : ''} --runs ${store.dir} --resume ${record.id}`);
        return record.status === 'cancelled' ? 130 : 1;
      }
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      ctx?.destroy();
    }
  },
};
