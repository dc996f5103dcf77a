import { WorkgymError, type PersonPlayer } from '@workgym/protocol';
import type { RunWriter } from '@workgym/trajectories';
import type { EnvPool, EnvRuntime, EnvServerSpec } from '@workgym/runtime';
import type { Agent } from '../agent.js';
import type { EnvParallelism, Parallel } from './parallelism.js';
import { RolloutRunner, type RolloutResult } from './rollout-runner.js';
import type { RolloutStats } from './rollout-stats.js';
import { runPlanned, type RunCounts, type RunPlanConfig } from './run-plan.js';
import type { WorkItem } from './work-item.js';
import { MemoryWorkQueue, type WorkQueue } from './work-queue.js';

export { RolloutFailedError } from './run-plan.js';

export interface RolloutConfig extends RunPlanConfig {
  /** Each env's server spec and the family ids to run. */
  envs: { name: string; spec: EnvServerSpec; families: string[] }[];
  /** Plays the tasks' people instead of their scripts (a language model: `openAIPeoplePlayer`); default: scripted. */
  playPeople?: PersonPlayer;
  runtime: EnvRuntime;
  agent: Agent;
  /** Episodes in flight per env, or 'auto' (see RolloutOptions.parallel). */
  parallel: Parallel;
  /** Warm pools to lease from, by env name (see RolloutOptions.pools); the caller closes them. */
  pools?: ReadonlyMap<string, EnvPool>;
  /** Builds the queue from the episodes still to run (default: the in-process queue). */
  queue?: (items: WorkItem[]) => WorkQueue;
  /** Called once the run is open and planned, before the first episode; `todo`: the episodes this session runs. */
  onStart?: (runner: RolloutRunner, writer: RunWriter, todo: readonly WorkItem[]) => void;
  onProgress?: (stats: RolloutStats) => void;
  /** Each env's lanes and containers, once, before any pool starts (see RolloutOptions.onPlan). */
  onPlan?: (plan: readonly EnvParallelism[]) => void;
  log?: (line: string) => void;
}

export interface RolloutOutcome extends RolloutResult, RunCounts {}

/** The rollout waited on nothing that could ever settle (a bug): failed rather than left to exit silently. */
export class RolloutStalledError extends WorkgymError {
  constructor() {
    super('WORKGYM_ROLLOUT_STALLED', 'the rollout stalled: it was waiting on nothing that could finish (a workgym bug; please report it)');
  }
}

/**
 * Opens (or resumes) the run, plans the episodes it lacks, runs them, closes the run. Whatever
 * ends it, the writer lock is released and an unfinished run stays resumable.
 */
export async function rollout(config: RolloutConfig): Promise<RolloutOutcome> {
  return runPlanned(config, config.agent.info, async ({ writer, todo, held, totals }) => {
    const runner = new RolloutRunner({
      runtime: config.runtime,
      agent: config.agent,
      writer,
      queue: (config.queue ?? ((items) => new MemoryWorkQueue(items)))(todo),
      envs: config.envs.map((e) => ({ name: e.name, spec: e.spec, total: totals[e.name]! })),
      parallel: config.parallel,
      remaining: countByEnv(todo),
      pools: config.pools,
      limits: config.limits,
      resetOptions: config.resetOptions,
      reward: config.reward,
      playPeople: config.playPeople,
      earlier: held,
      onProgress: config.onProgress,
      onPlan: config.onPlan,
      log: config.log,
    });
    config.onStart?.(runner, writer, todo);
    return failIfStalled(runner.run(), (error) => runner.stop(error));
  });
}

function countByEnv(items: readonly WorkItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.env] = (counts[item.env] ?? 0) + 1;
  return counts;
}

/**
 * Node ends a process whose top-level await can no longer settle silently, with exit code 13.
 * Should the rollout ever wait on nothing (a bug), stop it with an error instead; the caller's
 * cleanup then releases the run, which stays resumable.
 */
export async function failIfStalled<T>(work: Promise<T>, stop: (error: Error) => void): Promise<T> {
  let stalled!: (error: Error) => void;
  const guard = new Promise<never>((_, reject) => (stalled = reject));
  const onDrained = () => {
    const error = new RolloutStalledError();
    stop(error);
    stalled(error);
  };
  process.on('beforeExit', onDrained);
  try {
    return await Promise.race([work, guard]);
  } finally {
    process.off('beforeExit', onDrained);
  }
}
