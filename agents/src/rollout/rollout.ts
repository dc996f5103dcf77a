import { WorkgymError } from '@workgym/protocol';
import { createRun, openRun, resumeRun, RunExistsError, RunNotFoundError, TrajectoryError, type EpisodeSummary, type RunWriter } from '@workgym/trajectories';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvPool, EnvRuntime, EnvServerSpec } from '@workgym/runtime';
import type { Agent } from '../agent.js';
import type { EpisodeLimits } from '../run-episode.js';
import { RolloutRunner, type RolloutResult } from './rollout-runner.js';
import type { RolloutStats } from './rollout-stats.js';
import { checkResumeSettings, type RolloutSpec, type RunSettings } from './run-settings.js';
import { planEpisodes, type WorkItem } from './work-item.js';
import { MemoryWorkQueue, type WorkQueue } from './work-queue.js';

export interface RolloutConfig {
  runtime: EnvRuntime;
  agent: Agent;
  /** Each env's server spec and the family ids to run. */
  envs: { name: string; spec: EnvServerSpec; families: string[] }[];
  /** The run folder. */
  out: string;
  /** Continue the run in `out`, running exactly the episodes it does not have yet. */
  resume?: boolean;
  tasksPerFamily: number;
  group: number;
  split: string;
  seed: number;
  parallel: number;
  /** Warm pools to lease from, by env name (see RolloutOptions.pools); the caller closes them. */
  pools?: ReadonlyMap<string, EnvPool>;
  limits: EpisodeLimits;
  /** Reset options for every episode's reset (a JSON object the families read); not part of the episode ids. */
  resetOptions?: Record<string, unknown>;
  /** Episodes to run instead of the planned ones (replay runs the episodes of another run). */
  items?: WorkItem[];
  /** Builds the queue from the episodes still to run (default: the in-process queue). */
  queue?: (items: WorkItem[]) => WorkQueue;
  /** What produced the run, stored in its manifest (as `caller`, next to the run's settings). */
  spec?: unknown;
  /** Called once the run is open and planned, before the first episode; `todo`: the episodes this session runs. */
  onStart?: (runner: RolloutRunner, writer: RunWriter, todo: readonly WorkItem[]) => void;
  onProgress?: (stats: RolloutStats) => void;
  log?: (line: string) => void;
}

export interface RolloutOutcome extends RolloutResult {
  runDir: string;
  runId: string;
  planned: number;
  skipped: number;
  episodes: number;
}

/** The rollout waited on nothing that could ever settle (a bug): failed rather than left to exit silently. */
export class RolloutStalledError extends WorkgymError {
  constructor() {
    super('WORKGYM_ROLLOUT_STALLED', 'the rollout stalled: it was waiting on nothing that could finish (a workgym bug; please report it)');
  }
}

/** The rollout failed part-way; the run keeps what it recorded and can be resumed. */
export class RolloutFailedError extends WorkgymError {
  constructor(cause: WorkgymError, dir: string, episodes: number) {
    super(cause.code, `${cause.message}\nthe run in ${dir} keeps its ${episodes} episode(s) and can be resumed (--resume) once the cause is fixed`, { cause });
  }
}

/**
 * Opens (or resumes) the run, plans the episodes it lacks, runs them, closes the run. Whatever
 * ends it, the writer lock is released and an unfinished run stays resumable.
 */
export async function rollout(config: RolloutConfig): Promise<RolloutOutcome> {
  const settings: RunSettings = { agent: config.agent.info, group: config.group, maxSteps: config.limits.maxSteps };
  const earlier = config.resume ? await readEarlier(config, settings) : [];
  const writer = await openWriter(config, settings);
  try {
    const planned =
      config.items ??
      planEpisodes({
        families: Object.fromEntries(config.envs.map((e) => [e.name, e.families])),
        tasksPerFamily: config.tasksPerFamily,
        group: config.group,
        split: config.split,
        seed: config.seed,
      });
    const todo = planned.filter((item) => !writer.has(item.episodeId));
    const held = earlier.filter((e) => writer.has(e.episodeId));
    const plannedIds = new Set(planned.map((i) => i.episodeId));
    const count = (env: string) => planned.filter((i) => i.env === env).length + held.filter((e) => e.env === env && !plannedIds.has(e.episodeId)).length;
    const runner = new RolloutRunner({
      runtime: config.runtime,
      agent: config.agent,
      writer,
      queue: (config.queue ?? ((items) => new MemoryWorkQueue(items)))(todo),
      envs: config.envs.map((e) => ({ name: e.name, spec: e.spec, total: count(e.name) })),
      parallel: config.parallel,
      pools: config.pools,
      limits: config.limits,
      resetOptions: config.resetOptions,
      earlier: held,
      onProgress: config.onProgress,
      log: config.log,
    });
    config.onStart?.(runner, writer, todo);
    const result = await failIfStalled(runner.run(), (error) => runner.stop(error));
    const episodes = writer.size;
    if (!result.stopped && todo.length > 0) await writer.finalize();
    return { ...result, runDir: config.out, runId: writer.runId, planned: planned.length, skipped: planned.length - todo.length, episodes };
  } catch (error) {
    // The store's own errors already say what the run keeps (a failed write: every acknowledged episode).
    throw error instanceof WorkgymError && !(error instanceof TrajectoryError) ? new RolloutFailedError(error, config.out, writer.size) : error;
  } finally {
    await writer.close();
  }
}

/** What a run to resume holds (checking first that this resume keeps its settings). */
async function readEarlier(config: RolloutConfig, settings: RunSettings): Promise<EpisodeSummary[]> {
  if (!existsSync(join(config.out, 'manifest.json'))) return [];
  await using run = await openRun(config.out);
  checkResumeSettings(config.out, run.manifest.spec, settings);
  return run.summaries();
}

async function openWriter(config: RolloutConfig, settings: RunSettings): Promise<RunWriter> {
  const exists = existsSync(join(config.out, 'manifest.json'));
  if (config.resume) {
    if (!exists) throw new RunNotFoundError(`${config.out} holds no run to resume; drop --resume to start one`);
    return resumeRun(config.out);
  }
  if (exists) throw new RunExistsError(`${config.out} already holds a run: add --resume to finish it, or pick another --out`);
  const tasks = config.envs.filter((e) => e.spec.tasks?.length).map((e) => [e.name, e.spec.tasks!] as const);
  const spec: RolloutSpec = {
    rollout: settings,
    caller: config.spec ?? null,
    ...(tasks.length > 0 ? { tasks: Object.fromEntries(tasks) } : {}),
    ...(config.resetOptions ? { resetOptions: config.resetOptions } : {}),
  };
  return createRun(config.out, { spec });
}

/**
 * Node ends a process whose top-level await can no longer settle silently, with exit code 13.
 * Should the rollout ever wait on nothing (a bug), stop it with an error instead; the caller's
 * cleanup then releases the run, which stays resumable.
 */
async function failIfStalled<T>(work: Promise<T>, stop: (error: Error) => void): Promise<T> {
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
