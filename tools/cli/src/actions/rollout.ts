import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  GiveUpAgent,
  NothingAgent,
  RandomAgent,
  ReplayAgent,
  SubmitAgent,
  rollout,
  type Agent,
  type RolloutOutcome,
  type RolloutStats,
  type WorkItem,
} from '@workgym/agents';
import { openRun, type ShardDamage } from '@workgym/trajectories';
import { expertAgent, openAIAgent, requestConcurrency } from '../make-agent.js';
import { progressView, summaryTable } from '../progress.js';
import { describePeople, peoplePlayer } from '../people-options.js';
import { loadRolloutConfig, runPlanOptions, type RolloutCliConfig } from '../rollout-config.js';
import { describeFamilies, familyCount, mustExist, printPlan } from '../dry-run.js';
import { envNames } from '../env-registry.js';
import { parallelismPrinter } from '../parallel-plan.js';
import { assignTaskSets, describeTaskSets } from '../task-sets.js';
import { UsageError } from '../usage-error.js';
import { makeRuntime, matchFamilies, selectEnvs } from './select-envs.js';

export async function rolloutCommand(flags: Record<string, unknown>): Promise<void> {
  const { config: file, dryRun, view, ...rest } = flags;
  const config = await loadRolloutConfig(rest, file as string | undefined);
  if (dryRun) return planRollout(config);
  // The viewer (and its module) only when asked for; it opens the run once the rollout has made it.
  const viewer = view ? (await import('./view.js')).viewWhenCreated(config.out) : undefined;
  try {
    // A coordinator loads the queue's library (BullMQ) only when asked for.
    const outcome = config.queue ? await (await import('./rollout-queue.js')).coordinateRollout(config) : await runRollout(config);
    if (outcome.stopped) process.exitCode = 130;
    else if (viewer) await viewer.untilStopped();
  } finally {
    await viewer?.close();
  }
}

/** Runs a validated rollout with live progress, a graceful stop on SIGINT/SIGTERM and a summary. */
export async function runRollout(config: RolloutCliConfig): Promise<RolloutOutcome> {
  const tasks = assignTaskSets(config.tasks, config.env, envNames());
  const runtime = await makeRuntime(config.runtime);
  const replay = config.agent === 'replay' ? await openRun(config.from!) : undefined;
  try {
    const envs = await selectEnvs(config.env, config.family, runtime.kind, config.agent === 'expert' ? { variant: config.expertVariant } : undefined, tasks);
    const agent = makeAgent(config, replay);
    const items = replay ? await replayItems(replay, envs) : undefined;
    let view: ReturnType<typeof progressView> | undefined;
    let stats: RolloutStats | undefined;
    const printParallelism = parallelismPrinter('rollout');
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
      ...runPlanOptions(config),
      playPeople: await peoplePlayer(config),
      parallel: config.parallel,
      items,
      spec: config,
      onStart: (runner, writer, todo) => {
        const rerun = damagedRerunLine(writer.damaged, todo);
        if (rerun) process.stderr.write(`${rerun}\n`);
        handler = onSignal(() => runner.stop());
        process.on('SIGINT', handler).on('SIGTERM', handler);
        stats = runner.stats;
      },
      // The plan's lines go before the live bars, which redraw the lines under them.
      onPlan: (plan) => {
        printParallelism(plan);
        view = progressView(stats!);
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

/** --dry-run: what runRollout checks before it starts, then the plan. */
export async function planRollout(config: RolloutCliConfig): Promise<void> {
  const tasks = assignTaskSets(config.tasks, config.env, envNames());
  const envs = await matchFamilies(config.env, config.family, config.agent === 'expert' ? { variant: config.expertVariant } : undefined, tasks);
  if (config.agent === 'replay') mustExist(join(config.from!, 'manifest.json'), 'the run to replay (--from), its manifest');
  const holdsRun = existsSync(join(config.out, 'manifest.json'));
  if (config.resume && !holdsRun) throw new UsageError(`${config.out} holds no run to resume; drop --resume to start one`);
  if (!config.resume && holdsRun) throw new UsageError(`${config.out} already holds a run: add --resume to finish it, or pick another --out`);
  const families = familyCount(envs);
  const queue = config.queue ? await (await import('./rollout-queue.js')).describeQueue(config) : undefined;
  printPlan(`rollout into ${config.out}${config.resume ? ' (resumed: only the episodes it lacks)' : ''}`, {
    agent: agentLine(config),
    envs: describeFamilies(envs),
    tasks: describeTaskSets(tasks),
    'reset options': config.resetOptions && JSON.stringify(config.resetOptions),
    people: describePeople(config),
    reward: config.reward,
    episodes:
      config.agent === 'replay'
        ? `those of ${config.from} in these families`
        : `${families} families x ${config.episodes} tasks x group ${config.group} = ${families * config.episodes * config.group}, split ${config.split}, seeds ${config.seed}..${config.seed + config.episodes - 1}`,
    limits: `${config.maxSteps} steps per episode${queue ? '' : `, ${config.parallel} in flight per env${config.parallel === 'auto' ? ' (sized at the start)' : ''}`}`,
    runtime: queue ? "each worker's (workgym worker --runtime)" : config.runtime,
    queue,
  });
}

function agentLine(config: RolloutCliConfig): string {
  if (config.agent === 'expert')
    return `expert${config.expertVariant ? ` (strategy ${config.expertVariant})` : ''}${config.noise ? `, noise ${config.noise}` : ''}`;
  if (config.agent === 'openai') return `openai ${config.model} at ${config.baseUrl}${config.candidates ? ', with candidates' : ''}, context ${config.context}`;
  if (config.agent === 'replay') return `replay of ${config.from}`;
  return config.agent;
}

function makeAgent(config: RolloutCliConfig, replay?: Awaited<ReturnType<typeof openRun>>): Agent {
  switch (config.agent) {
    case 'expert':
      return expertAgent(config, { probability: config.noise, seed: config.seed });
    case 'random':
      return new RandomAgent(config.seed);
    case 'nothing':
      return new NothingAgent();
    case 'submit':
      return new SubmitAgent();
    case 'give-up':
      return new GiveUpAgent();
    case 'replay':
      return new ReplayAgent((episodeId) => replay!.get(episodeId));
    case 'openai':
      return openAIAgent(config, { maxConcurrency: requestConcurrency(config.parallel) });
  }
}

/**
 * On a resume, the line that says which episodes run again because their records were found
 * damaged (the run dropped them when it reopened); nothing when none do.
 */
export function damagedRerunLine(damaged: readonly ShardDamage[], todo: readonly WorkItem[]): string | undefined {
  const lost = new Set(damaged.flatMap((d) => d.episodes));
  const ids = todo.filter((item) => lost.has(item.episodeId)).map((item) => item.episodeId);
  const unnamed = damaged.filter((d) => d.episodes.length === 0).length;
  if (ids.length === 0 && unnamed === 0) return undefined;
  const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
  return (
    `[rollout] resume: ${ids.length} damaged episode${ids.length === 1 ? '' : 's'} run${ids.length === 1 ? 's' : ''} again${ids.length ? `: ${shown}` : ''}` +
    (unnamed
      ? `; ${unnamed} damaged stretch${unnamed === 1 ? '' : 'es'} named no episode (what ${unnamed === 1 ? 'it' : 'they'} held runs again with the missing ones)`
      : '')
  );
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
