import type { Command } from 'commander';
import picomatch from 'picomatch';
import { RandomAgent, ReplayAgent, rollout, type Agent, type RolloutOutcome, type WorkItem } from '@workgym/agents';
import { DockerRuntime, LocalRuntime, reapContainers, type EnvRuntime } from '@workgym/runtime';
import { openRun } from '@workgym/trajectories';
import { addAgentOptions, checkExpertVariant, expertAgent, openAIAgent } from '../agent-options.js';
import { findEnvs, specFor } from '../env-registry.js';
import { progressView, summaryTable } from '../progress.js';
import { loadRolloutConfig, type RolloutCliConfig } from '../rollout-config.js';
import { UsageError } from '../usage-error.js';

const int = (value: string) => Number(value);

export function registerRolloutCommand(program: Command): void {
  const command = program
    .command('rollout')
    .description('run many episodes across envs in parallel and write them to a run folder')
    .option('--config <file>', 'read these options from a JSON file (same names, camelCase); flags override it')
    .option('--env <names>', 'comma-separated envs (default: all)', (v: string) => v.split(',').filter(Boolean))
    .option('--family <glob>', 'only task families whose id matches, e.g. "code/fix-*"');
  addAgentOptions(command, { kinds: ['expert', 'random', 'replay', 'openai'] })
    .option('--noise <p>', "with probability p, a step's expert call is replaced by a random candidate action, marked injected (--agent expert)", Number)
    .option('--episodes <n>', 'tasks per family (seeds SEED, SEED+1, ...)', int)
    .option('--group <n>', 'samples per task (GRPO-style groups)', int)
    .option('--parallel <n>', 'episodes in flight per env', int)
    .option('--max-steps <n>', 'step limit per episode (truncates)', int)
    .option('--split <split>', 'train | test')
    .option('--seed <n>', 'first task seed', int)
    .option('--out <dir>', 'the run folder to write')
    .option('--resume', 'continue the run in --out: run exactly the episodes it lacks')
    .option('--runtime <kind>', 'docker | local')
    .option('--from <run>', 'the run whose episodes the replay agent re-runs')
    .option('--step-timeout-s <s>', "seconds an agent may take to act (its own time: env calls made for it don't count)", Number)
    .option('--env-timeout-s <s>', 'seconds one env call (reset, step, expert) may take before the env counts as hung', Number)
    .option('--episode-timeout-s <s>', 'seconds an episode may take', Number)
    .addHelpText(
      'after',
      `
Episodes: for each selected family, --episodes tasks (seeds --seed, --seed+1, ...), each run
--group times. Episode ids are <family>:<split>:<seed>:<sample>, so reruns are idempotent and
--resume runs exactly what is missing (with the run's agent, --group and --max-steps: a resume
that changes them is refused). Each env has its own warm pool of --parallel instances.

Noise: with --agent expert --noise p, each step's expert call is replaced, with probability p, by
a random candidate action of the observation (the choice is a hash of --seed, the episode and the
step, so a rerun injects the same). The expert then carries on from the state that results, so the
run shows recovering from mistakes. Injected steps are marked in the record: exports keep them as
context and never as targets (weight 0), and preference pairs never choose them.

Faults: an env that dies or hangs is replaced and the episode retried (up to 3 attempts, then
infra_error); an env that fails again at the same agent action on a fresh instance was broken by
the agent (env_broken, reward 0). An env that cannot start fails the run, which stays resumable.

Examples:
  workgym rollout --agent expert --episodes 5 --out runs/expert
  workgym rollout --env code --family "code/fix-*" --agent random --episodes 20 --group 4 --out runs/explore
  workgym rollout --env code --family code/py-fix-bug --agent expert --expert-variant sed --noise 0.2 --episodes 20 --out runs/recover
  workgym rollout --agent openai --model Qwen/Qwen3-8B --base-url http://localhost:8000/v1 --out runs/qwen
  workgym rollout --agent openai --model workgym-linear --base-url http://127.0.0.1:8100/v1 --candidates --out runs/bc
  workgym rollout --config rollout.json --resume`,
    )
    .action(async (flags: Record<string, unknown>) => {
      const { config: file, ...rest } = flags;
      const config = await loadRolloutConfig(rest, file as string | undefined);
      const outcome = await runRollout(config);
      if (outcome.stopped) process.exitCode = 130;
    });
}

/** Runs a validated rollout with live progress, a graceful stop on SIGINT/SIGTERM and a summary. */
export async function runRollout(config: RolloutCliConfig): Promise<RolloutOutcome> {
  const runtime: EnvRuntime = config.runtime === 'docker' ? new DockerRuntime() : new LocalRuntime();
  if (runtime instanceof DockerRuntime) await reapContainers();
  const replay = config.agent === 'replay' ? await openRun(config.from!) : undefined;
  try {
    const envs = await selectEnvs(config, runtime.kind);
    const agent = makeAgent(config, replay);
    const items = replay ? await replayItems(replay, envs) : undefined;
    let view: ReturnType<typeof progressView> | undefined;
    let stopRequested = false;
    const onSignal = (stop: () => void) => () => {
      if (stopRequested) process.exit(130);
      stopRequested = true;
      process.stderr.write('\nstopping: abandoning episodes in flight (a --resume runs them again); press Ctrl-C again to quit at once\n');
      stop();
    };
    let handler: (() => void) | undefined;
    const outcome = await rollout({
      runtime,
      agent,
      envs,
      out: config.out,
      resume: config.resume,
      tasksPerFamily: config.episodes,
      group: config.group,
      split: config.split,
      seed: config.seed,
      parallel: config.parallel,
      limits: {
        maxSteps: config.maxSteps,
        stepDeadlineMs: config.stepTimeoutS * 1000,
        episodeDeadlineMs: config.episodeTimeoutS * 1000,
        envDeadlineMs: config.envTimeoutS * 1000,
      },
      items,
      spec: config,
      onStart: (runner) => {
        handler = onSignal(() => runner.stop());
        process.on('SIGINT', handler).on('SIGTERM', handler);
        view = progressView(runner.stats);
      },
      onProgress: (stats) => view?.update(stats),
    }).finally(() => {
      view?.stop();
      if (handler) process.off('SIGINT', handler).off('SIGTERM', handler);
    });
    console.log(`\n${summaryTable(outcome.stats)}\n`);
    console.log(
      outcome.stopped
        ? `stopped with ${outcome.episodes} of ${outcome.planned} episodes in ${outcome.runDir}; finish with the same command and --resume`
        : `${outcome.episodes} episodes in ${outcome.runDir} (${outcome.skipped} were already there). Next: workgym data stats ${outcome.runDir}`,
    );
    return outcome;
  } finally {
    await replay?.close();
  }
}

async function selectEnvs(config: RolloutCliConfig, runtime: 'docker' | 'local') {
  const match = config.family ? picomatch(config.family) : () => true;
  const selected = [];
  for (const manifest of findEnvs(config.env)) {
    const env = await manifest.create();
    const families = env.families().filter((f) => match(f.id!));
    await env.close?.();
    if (families.length === 0) continue;
    checkExpertVariant(config.agent === 'expert' ? config.expertVariant : undefined, families);
    selected.push({ name: manifest.name, spec: await specFor(manifest, runtime), families: families.map((f) => f.id!) });
  }
  if (selected.length === 0) throw new UsageError(`no task family matches${config.family ? ` --family ${config.family}` : ''}; see \`workgym envs\``);
  return selected;
}

function makeAgent(config: RolloutCliConfig, replay?: Awaited<ReturnType<typeof openRun>>): Agent {
  switch (config.agent) {
    case 'expert':
      return expertAgent(config, { probability: config.noise, seed: config.seed });
    case 'random':
      return new RandomAgent(config.seed);
    case 'replay':
      return new ReplayAgent((episodeId) => replay!.get(episodeId));
    case 'openai':
      return openAIAgent(config, { maxConcurrency: config.parallel * 4 });
  }
}

/** The episodes of the replayed run that belong to the selected envs and families. */
async function replayItems(replay: Awaited<ReturnType<typeof openRun>>, envs: { name: string; families: string[] }[]): Promise<WorkItem[]> {
  const items: WorkItem[] = [];
  for await (const record of replay.records()) {
    const env = envs.find((e) => e.name === record.env);
    if (!env || !env.families.includes(record.family ?? '')) continue;
    items.push({
      episodeId: record.episodeId!,
      groupId: record.groupId ?? '',
      env: record.env!,
      family: record.family!,
      split: record.split ?? 'train',
      seed: Number(record.seed),
      sample: 0,
    });
  }
  return items;
}
