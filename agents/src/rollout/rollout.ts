import { createRun, resumeRun, RunExistsError, RunNotFoundError, type RunWriter } from '@workgym/trajectories';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvRuntime, EnvServerSpec } from '@workgym/runtime';
import type { Agent } from '../agent.js';
import type { EpisodeLimits } from '../run-episode.js';
import { RolloutRunner, type RolloutResult } from './rollout-runner.js';
import type { RolloutStats } from './rollout-stats.js';
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
  limits: EpisodeLimits;
  /** Episodes to run instead of the planned ones (replay runs the episodes of another run). */
  items?: WorkItem[];
  /** Builds the queue from the episodes still to run (default: the in-process queue). */
  queue?: (items: WorkItem[]) => WorkQueue;
  /** What produced the run, stored in its manifest. */
  spec?: unknown;
  onStart?: (runner: RolloutRunner, writer: RunWriter) => void;
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

/** Opens (or resumes) the run, plans the episodes it lacks, runs them, closes the run. */
export async function rollout(config: RolloutConfig): Promise<RolloutOutcome> {
  const writer = await openWriter(config);
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
    const count = (items: WorkItem[], env: string) => items.filter((i) => i.env === env).length;
    const runner = new RolloutRunner({
      runtime: config.runtime,
      agent: config.agent,
      writer,
      queue: (config.queue ?? ((items) => new MemoryWorkQueue(items)))(todo),
      envs: config.envs.map((e) => ({ name: e.name, spec: e.spec, total: count(planned, e.name), alreadyDone: count(planned, e.name) - count(todo, e.name) })),
      parallel: config.parallel,
      limits: config.limits,
      onProgress: config.onProgress,
      log: config.log,
    });
    config.onStart?.(runner, writer);
    const result = await runner.run();
    const episodes = writer.size;
    if (!result.stopped && todo.length > 0) await writer.finalize();
    return { ...result, runDir: config.out, runId: writer.runId, planned: planned.length, skipped: planned.length - todo.length, episodes };
  } finally {
    await writer.close();
  }
}

async function openWriter(config: RolloutConfig): Promise<RunWriter> {
  const exists = existsSync(join(config.out, 'manifest.json'));
  if (config.resume) {
    if (!exists) throw new RunNotFoundError(`${config.out} holds no run to resume; drop --resume to start one`);
    return resumeRun(config.out);
  }
  if (exists) throw new RunExistsError(`${config.out} already holds a run: add --resume to finish it, or pick another --out`);
  return createRun(config.out, { spec: config.spec });
}
