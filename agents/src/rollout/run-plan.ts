import { WorkgymError, type RewardMode } from '@workgym/protocol';
import type { EnvServerSpec } from '@workgym/runtime';
import {
  createRun,
  openRun,
  resumeRun,
  RunExistsError,
  RunNotFoundError,
  TrajectoryError,
  type AgentInfo,
  type EpisodeSummary,
  type RunWriter,
} from '@workgym/trajectories';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EpisodeLimits } from '../run-episode.js';
import { checkResumeSettings, type RolloutSpec, type RunSettings } from './run-settings.js';
import { planEpisodes, type WorkItem } from './work-item.js';

// Opening, planning and closing a run: what the in-process rollout and the queue's coordinator share.

/** What a run's plan depends on (the part of a rollout's config that is not about running it). */
export interface RunPlanConfig {
  /** Each env, the family ids to run and the task sets it loads (what of its server spec the run records). */
  envs: { name: string; spec: Pick<EnvServerSpec, 'tasks'>; families: string[] }[];
  /** The run folder. */
  out: string;
  /** Continue the run in `out`, running exactly the episodes it does not have yet. */
  resume?: boolean;
  tasksPerFamily: number;
  group: number;
  split: string;
  seed: number;
  limits: EpisodeLimits;
  /** Reset options for every episode's reset (a JSON object the families read); not part of the episode ids. */
  resetOptions?: Record<string, unknown>;
  /** What every episode's final reward pays (default success); part of the run's settings, so a resume keeps it. */
  reward?: RewardMode;
  /** Episodes to run instead of the planned ones (replay runs the episodes of another run). */
  items?: WorkItem[];
  /** What produced the run, stored in its manifest (as `caller`, next to the run's settings). */
  spec?: unknown;
}

/** An open run and what this session does in it. */
export interface RunPlan {
  writer: RunWriter;
  /** Every episode of the run, in plan order. */
  planned: WorkItem[];
  /** The planned episodes the run lacks: what this session runs. */
  todo: WorkItem[];
  /** What the run held before this session and still holds (the stats' `earlier`). */
  held: EpisodeSummary[];
  /** Episodes each env of this session holds or plans (for progress). */
  totals: Record<string, number>;
}

/** What a rollout tells of the run besides its stats. */
export interface RunCounts {
  runDir: string;
  runId: string;
  planned: number;
  skipped: number;
  episodes: number;
}

/** The rollout failed part-way; the run keeps what it recorded and can be resumed. */
export class RolloutFailedError extends WorkgymError {
  constructor(cause: WorkgymError, dir: string, episodes: number) {
    super(cause.code, `${cause.message}\nthe run in ${dir} keeps its ${episodes} episode(s) and can be resumed (--resume) once the cause is fixed`, { cause });
  }
}

/**
 * Opens (or resumes) the run, plans the episodes it lacks, has `play` record them, and closes
 * the run, finalising it once it holds every planned episode. Whatever ends it, the writer lock
 * is released and an unfinished run stays resumable.
 */
export async function runPlanned<R extends { stopped: boolean }>(
  config: RunPlanConfig,
  agent: AgentInfo,
  play: (plan: RunPlan) => Promise<R>,
): Promise<R & RunCounts> {
  const settings: RunSettings = { agent, group: config.group, maxSteps: config.limits.maxSteps, reward: config.reward ?? 'success' };
  const earlier = config.resume ? await readEarlier(config, settings) : [];
  const writer = await openWriter(config, settings);
  try {
    const plan = planRun(config, writer, earlier);
    const result = await play(plan);
    const episodes = writer.size;
    const { todo, planned } = plan;
    if (!result.stopped && todo.length > 0 && todo.every((item) => writer.has(item.episodeId))) await writer.finalize();
    return { ...result, runDir: config.out, runId: writer.runId, planned: planned.length, skipped: planned.length - todo.length, episodes };
  } catch (error) {
    // The store's own errors already say what the run keeps (a failed write: every acknowledged episode).
    throw error instanceof WorkgymError && !(error instanceof TrajectoryError) ? new RolloutFailedError(error, config.out, writer.size) : error;
  } finally {
    await writer.close();
  }
}

function planRun(config: RunPlanConfig, writer: RunWriter, earlier: EpisodeSummary[]): RunPlan {
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
  const totals = Object.fromEntries(config.envs.map((e) => [e.name, count(e.name)]));
  return { writer, planned, todo, held, totals };
}

/** What a run to resume holds (checking first that this resume keeps its settings). */
async function readEarlier(config: RunPlanConfig, settings: RunSettings): Promise<EpisodeSummary[]> {
  if (!existsSync(join(config.out, 'manifest.json'))) return [];
  await using run = await openRun(config.out);
  checkResumeSettings(config.out, run.manifest.spec, settings);
  return run.summaries();
}

async function openWriter(config: RunPlanConfig, settings: RunSettings): Promise<RunWriter> {
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
