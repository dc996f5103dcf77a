import type { Command } from 'commander';
import picomatch from 'picomatch';
import { DockerRuntime, LocalRuntime, reapContainers, type EnvRuntime } from '@workgym/runtime';
import {
  ADVANTAGE_ESTIMATORS,
  behaviourCloning,
  computeAdvantages,
  dagger,
  EmbeddedUpdater,
  ExternalUpdater,
  formatAdvantageDiagnostics,
  LinearPolicy,
  policyGradient,
  readRecords,
  rlLoop,
  toDecisions,
  type AdvantageEstimator,
  type AdvantageScope,
  type EvalEnv,
} from '@workgym/trainers';
import { addAgentOptions, checkExpertVariant, openAIAgent, parseAgentOptions } from '../agent-options.js';
import { findEnvs, specFor } from '../env-registry.js';
import { UsageError } from '../usage-error.js';

const int = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`expected a whole number, not ${JSON.stringify(value)}`);
  return n;
};
const list = (v: string) => v.split(',').filter(Boolean);
const METHODS = ['bc', ...ADVANTAGE_ESTIMATORS] as const;

/** The runtime a command asked for; docker runs the reaper first (as rollout does). */
export async function makeRuntime(kind: string): Promise<EnvRuntime> {
  if (kind !== 'docker' && kind !== 'local') throw new UsageError(`--runtime must be docker or local, not ${JSON.stringify(kind)}`);
  if (kind === 'local') return new LocalRuntime();
  await reapContainers();
  return new DockerRuntime();
}

/** The registry's envs and families that match --env and --family, with their runtime specs. */
export async function selectEvalEnvs(
  names: string[] | undefined,
  family: string | undefined,
  runtime: 'docker' | 'local',
  /** The expert strategy asked for (--expert-variant): every selected family must have it. */
  expertVariant?: string,
): Promise<EvalEnv[]> {
  const match = family ? picomatch(family) : () => true;
  const selected: EvalEnv[] = [];
  for (const manifest of findEnvs(names)) {
    const env = await manifest.create();
    const families = env.families().filter((f) => match(f.id!));
    await env.close?.();
    if (families.length === 0) continue;
    checkExpertVariant(expertVariant, families);
    selected.push({ name: manifest.name, spec: await specFor(manifest, runtime), families: families.map((f) => f.id!) });
  }
  if (selected.length === 0) throw new UsageError(`no task family matches${family ? ` --family ${family}` : ''}; see \`workgym envs\``);
  return selected;
}

/** Progress on stderr: one line per finished episode batch, at most every 2 s. */
export function progressLine(prefix: string): (stats: { envs: readonly { env: string; done: number; total: number }[] }) => void {
  let last = 0;
  return (stats) => {
    const now = Date.now();
    if (now - last < 2000) return;
    last = now;
    process.stderr.write(`[${prefix}] ${stats.envs.map((e) => `${e.env} ${e.done}/${e.total}`).join(', ')}\n`);
  };
}

interface TrainFlags {
  from?: string[];
  method: string;
  out?: string;
  init?: string;
  epochs: number;
  lr?: number;
  normalize: string;
  daggerRounds: number;
  online?: boolean;
  iterations: number;
  tasks: number;
  group: number;
  env?: string[];
  family?: string;
  runtime: string;
  maxSteps: number;
  parallel: number;
  seed: number;
  trainerCommand?: string;
  baseUrl?: string;
  model?: string;
}

export function registerTrainCommand(program: Command): void {
  const command = program
    .command('train')
    .description('train the embedded policy from a run (bc, grpo, drgrpo, rloo), or run the online RL loop (--online)')
    .option('--from <runs>', 'comma-separated run folders to learn from (offline)', list)
    .option('--method <m>', `bc | ${ADVANTAGE_ESTIMATORS.join(' | ')}`, 'bc')
    .option('--out <dir>', 'the policy folder to write (online: the RL output folder)')
    .option('--init <dir>', 'start from this saved policy instead of an untrained one')
    .option('--epochs <n>', 'passes over the data (bc: 8; policy gradient: 1)', int)
    .option('--lr <x>', 'learning rate (Adagrad; bc 0.5, policy gradient 0.02)', Number)
    .option('--normalize <scope>', 'advantage rescaling across a multi-env batch: none | env | family', 'none')
    .option('--dagger-rounds <n>', 'after bc: roll the policy out on fresh train seeds and learn the expert labels of what it visits (needs --env)', int, 0)
    .option('--online', 'run the online RL loop: sample tasks, roll out --group per task, advantages, update, repeat')
    .option('--iterations <n>', 'RL iterations (online)', int, 10)
    .option('--tasks <n>', 'tasks per family per iteration (online) or per DAgger round', int, 4)
    .option('--group <n>', 'rollouts per task (online)', int, 4)
    .option('--env <names>', 'comma-separated envs (online, DAgger)', list)
    .option('--family <glob>', 'only families whose id matches (online, DAgger)')
    .option('--runtime <kind>', 'docker | local', 'docker')
    .option('--max-steps <n>', 'step limit per episode', int, 30)
    .option('--parallel <n>', 'episodes in flight per env', int, 2)
    .option('--seed <n>', 'first train seed (online, DAgger)', int, 0)
    .option('--trainer-command <cmd>', 'online: an external trainer instead of the embedded learner (see docs/trainers.md)');
  addAgentOptions(command, {
    only: ['baseUrl', 'model', 'apiKeyEnv', 'context'],
    help: {
      baseUrl: 'online with --trainer-command: the initial policy endpoint',
      model: 'online with --trainer-command: the initial model name',
      context: 'online: what of the history the policy is shown when acting: full | window:N | memory:N (default full)',
    },
  })
    .addHelpText(
      'after',
      `
Offline, --method bc clones the demonstrations in --from (successful episodes' steps: the
candidates and the chosen call); grpo, drgrpo and rloo compute group advantages over the run's
groups (EpisodeRecord.groupId; rollout --group G) and take policy-gradient steps. The policy
folder holds policy.json; serve it with \`workgym serve-policy\`.

Online (--online), each iteration rolls out the current policy (sampling at temperature 1) on
fresh train seeds, writes <out>/iterations/<n>/{run,batch.jsonl}, computes advantages, updates,
and rewrites <out>/curves.csv and <out>/curves.png.

Examples:
  workgym rollout --env code --agent expert --episodes 40 --out runs/expert
  workgym train --from runs/expert --method bc --out policies/bc
  workgym train --from runs/expert --method bc --dagger-rounds 3 --env code --runtime local --out policies/dagger
  workgym train --from runs/explore --method rloo --init policies/bc --out policies/rloo
  workgym train --online --method grpo --init policies/bc --env code --iterations 10 --group 4 --out rl/code
  workgym train --online --method rloo --trainer-command "python my_trainer.py {batch}" --base-url http://localhost:8000/v1 --model qwen --out rl/ext`,
    )
    .action(async (flags: TrainFlags) => {
      if (!(METHODS as readonly string[]).includes(flags.method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}, not ${JSON.stringify(flags.method)}`);
      if (!['none', 'env', 'family'].includes(flags.normalize)) throw new UsageError('--normalize must be none, env or family');
      if (!flags.out) throw new UsageError('--out DIR is required: the folder the policy (or the RL output) is written to');
      if (flags.online) return trainOnline(flags);
      if (!flags.from?.length) throw new UsageError('--from RUN is required (a run folder of episodes, e.g. from `workgym rollout --agent expert`), or use --online');
      const policy = flags.init ? await LinearPolicy.load(flags.init) : new LinearPolicy();
      const records = (await Promise.all(flags.from.map((dir) => readRecords(dir)))).flat();
      process.stderr.write(`[train] ${records.length} episodes from ${flags.from.join(', ')}\n`);
      if (flags.method === 'bc') {
        const report = behaviourCloning(policy, records, {
          epochs: flags.epochs ?? 8,
          learningRate: flags.lr,
          onEpoch: (epoch, loss) => process.stderr.write(`[train] epoch ${epoch + 1}: loss ${loss.toFixed(4)}\n`),
        });
        console.log(`behaviour cloning: ${report.examples} decisions from ${report.episodes} successful episodes (skipped: ${report.skipped.noCandidates} steps without candidates, ${report.skipped.unmatched} unmatched calls, ${report.skipped.injected} injected as noise)`);
        if (flags.daggerRounds > 0) {
          const runtime = await makeRuntime(flags.runtime);
          const envs = await selectEvalEnvs(flags.env, flags.family, runtime.kind);
          const result = await dagger(policy, {
            runtime,
            envs: envs.map((e) => ({ ...e, maxSteps: flags.maxSteps })),
            out: `${flags.out}/dagger`,
            rounds: flags.daggerRounds,
            tasksPerFamily: flags.tasks,
            initial: toDecisions(policy, records.filter((r) => r.success), () => 1).decisions,
            seed: 10_000 + flags.seed,
            parallel: flags.parallel,
            log: (line) => process.stderr.write(`[train] ${line}\n`),
          });
          console.log(`DAgger: ${result.rounds} rounds, ${result.decisions} decisions in all`);
        }
      } else {
        const scored = records.map((r) => ({ episodeId: r.episodeId ?? '', groupId: r.groupId ?? '', env: r.env ?? '', family: r.family ?? '', reward: r.finalReward ?? 0 }));
        const { advantages, diagnostics } = computeAdvantages(scored, { estimator: flags.method as AdvantageEstimator, normalize: flags.normalize as AdvantageScope });
        for (const line of formatAdvantageDiagnostics(diagnostics)) process.stderr.write(`[train] ${line}\n`);
        const report = policyGradient(policy, records, advantages, { epochs: flags.epochs ?? 1, learningRate: flags.lr, method: flags.method });
        console.log(`${flags.method}: ${report.examples} decisions with a non-zero advantage from ${diagnostics.groups} groups`);
      }
      const path = await policy.save(flags.out);
      console.log(`wrote ${path}. Next: workgym serve-policy ${flags.out} --port 8100, or workgym eval --agent policy --policy ${flags.out}`);
    });
}

async function trainOnline(flags: TrainFlags): Promise<void> {
  if (flags.method === 'bc') throw new UsageError('--online needs an RL --method: grpo, drgrpo or rloo');
  const agent = parseAgentOptions(flags as unknown as Record<string, unknown>);
  if (flags.trainerCommand && (!agent.baseUrl || !agent.model)) throw new UsageError('--trainer-command needs --base-url and --model: the endpoint of the policy before the first update');
  const runtime = await makeRuntime(flags.runtime);
  const envs = await selectEvalEnvs(flags.env, flags.family, runtime.kind);
  const updater = flags.trainerCommand
    ? new ExternalUpdater({ command: flags.trainerCommand, initial: { baseURL: agent.baseUrl!, model: agent.model! }, log: (l) => process.stderr.write(`[rl] ${l}\n`) })
    : new EmbeddedUpdater({ policy: flags.init ? await LinearPolicy.load(flags.init) : undefined, learningRate: flags.lr, epochs: flags.epochs, method: flags.method });
  try {
    const result = await rlLoop({
      runtime,
      envs,
      updater,
      // On-policy sampling at temperature 1 from the current endpoint; candidates let a candidate policy choose.
      agentFor: (endpoint, iteration) =>
        openAIAgent({ ...agent, baseUrl: endpoint.baseURL, model: endpoint.model, candidates: true, temperature: 1 }, { seed: flags.seed + iteration, maxRetries: 2 }),
      out: flags.out!,
      iterations: flags.iterations,
      tasksPerIteration: flags.tasks,
      group: flags.group,
      estimator: flags.method as AdvantageEstimator,
      normalize: flags.normalize as AdvantageScope,
      seed: flags.seed,
      maxSteps: flags.maxSteps,
      parallel: flags.parallel,
      onProgress: progressLine('rl'),
      log: (l) => process.stderr.write(`[rl] ${l}\n`),
      onIteration: (s) =>
        process.stderr.write(`[rl] iteration ${s.iteration}: ${s.points.map((p) => `${p.env} reward ${p.meanReward.toFixed(3)} success ${(100 * p.successRate).toFixed(0)}%`).join(', ')}\n`),
    });
    if (updater instanceof EmbeddedUpdater) await updater.policy.save(flags.out!);
    console.log(`learning curves: ${result.csv}, ${result.png}${updater instanceof EmbeddedUpdater ? `; policy: ${flags.out}/policy.json` : `; last endpoint ${result.endpoint.baseURL}`}`);
  } finally {
    await updater.close();
  }
}
