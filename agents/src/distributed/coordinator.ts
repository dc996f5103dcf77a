import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { WorkgymError } from '@workgym/protocol';
import type { AgentInfo, EpisodeRecord, RunWriter } from '@workgym/trajectories';
import type { RolloutOutcome } from '../rollout/rollout.js';
import { runPlanned, type RunPlan, type RunPlanConfig } from '../rollout/run-plan.js';
import type { WorkItem } from '../rollout/work-item.js';
import { connectionOptions, probeQueue, redactQueueUrl, type QueueAddress } from './queue-address.js';
import { envQueueName, episodeIdOf, jobIdOf, queueName, resultsQueueName, runKey } from './queue-names.js';
import { QueueStats, type FailedEpisode } from './queue-stats.js';
import { DEFAULT_STALL_MS } from './queue-worker.js';
import { describeIssues, resultJobSchema, type AgentSpec, type EpisodeJob } from './schemas.js';

export interface DistributedRolloutConfig extends RunPlanConfig {
  queue: QueueAddress;
  /** The agent every episode runs with, as the workers make it (see agentFromSpec). */
  agentSpec: AgentSpec;
  /** What that agent records as itself: the run's settings, checked on a resume. */
  agentInfo: AgentInfo;
  /** Attempts per episode when the env side fails (default 3). */
  maxAttempts?: number;
  /** Called once the run is open, planned and enqueued; `todo`: the episodes this session waits for. */
  onStart?: (coordinator: Coordinator, writer: RunWriter, todo: readonly WorkItem[]) => void;
  onProgress?: (stats: QueueStats) => void;
  /** An episode whose job failed for good, as soon as the coordinator sees it. */
  onFailed?: (failure: FailedEpisode) => void;
  log?: (line: string) => void;
  /** How often the coordinator looks for failed jobs and listening workers (default 1000 ms). */
  pollMs?: number;
  /**
   * How long a result the coordinator took goes without its lock renewed (a coordinator killed
   * while writing it) before a resumed coordinator takes it again (default 30 s, as the workers').
   */
  stallMs?: number;
}

export interface Coordinator {
  readonly stats: QueueStats;
  /** Stops waiting: the episodes still queued stay there, and a resume collects them. */
  stop(): void;
}

export interface DistributedOutcome extends RolloutOutcome {
  stats: QueueStats;
  /** Episodes whose jobs failed for good (not in the run; a resume tries them again). */
  failed: FailedEpisode[];
}

/** The queue holds another run's jobs. */
export class QueueBusyError extends WorkgymError {
  constructor(message: string) {
    super('WORKGYM_QUEUE_BUSY', message);
  }
}

/**
 * Coordinates a rollout whose episodes workers on any machine play (startQueueWorker): plans the
 * run exactly as rollout() does, enqueues one job per episode the run lacks (job id: the
 * episode's), and is the run's only writer, appending each result once whatever retries or
 * re-deliveries happened. Resolves once every episode is written or has failed for good.
 */
export async function distributedRollout(config: DistributedRolloutConfig): Promise<DistributedOutcome> {
  await probeQueue(config.queue);
  await checkQueueFree(config);
  return runPlanned(config, config.agentInfo, (plan) => withQueues(config, (redis, name, queues) => coordinate(config, plan, redis, name, queues)));
}

type Coordinated = { stats: QueueStats; stopped: boolean; failed: FailedEpisode[] };

async function coordinate(config: DistributedRolloutConfig, plan: RunPlan, redis: Redis, name: string, queues: Queue[]): Promise<Coordinated> {
  const { writer, todo } = plan;
  const envQueues = new Map(config.envs.map((e, i) => [e.name, queues[i]!]));
  const results = queues.at(-1)!;
  const stats = new QueueStats(plan.totals, plan.held);
  const pending = new Set(todo.map((item) => item.episodeId));
  const envOf = new Map(todo.map((item) => [item.episodeId, item.env]));
  let wake!: () => void;
  let woken = new Promise<void>((resolve) => (wake = resolve));
  const nudge = () => {
    wake();
    woken = new Promise<void>((resolve) => (wake = resolve));
  };
  let stopped = false;
  // The run store failed a write: the run stops, as an in-process rollout does.
  let broken: unknown;
  const fail = (episodeId: string, reason: string) => {
    if (!pending.delete(episodeId)) return;
    const failure = { episodeId, env: envOf.get(episodeId) ?? '', reason };
    stats.failed.push(failure);
    config.onFailed?.(failure);
    nudge();
  };
  let consumer: Worker | undefined;
  try {
    const holder = holderOf(config.out);
    const attached = await claimQueue(redis, name, holder, queues, config.queue);
    await enqueue(config, plan, envQueues, results, attached);
    config.onStart?.(
      {
        stats,
        stop: () => {
          stopped = true;
          nudge();
        },
      },
      writer,
      todo,
    );
    consumer = new Worker(
      resultsQueueName(name),
      async (job) => {
        const episodeId = episodeIdOf(job.id ?? '');
        if (!pending.has(episodeId)) {
          if (writer.has(episodeId)) stats.duplicates += 1;
          return;
        }
        try {
          await writeResult(writer, episodeId, job, stats);
        } catch (error) {
          if (error instanceof UnrecoverableError) fail(episodeId, error.message);
          else broken ??= error;
          nudge();
          throw error;
        }
        pending.delete(episodeId);
        config.onProgress?.(stats);
        nudge();
      },
      // One result at a time: the check that an episode is not yet written and its write never interleave.
      {
        connection: connectionOptions(config.queue),
        concurrency: 1,
        lockDuration: config.stallMs ?? DEFAULT_STALL_MS,
        stalledInterval: config.stallMs ?? DEFAULT_STALL_MS,
        // A result is only ever written once: however often it comes back, it is never failed for it.
        maxStalledCount: 1000,
      },
    );
    consumer.on('error', (error) => config.log?.(`queue ${redactQueueUrl(config.queue.url)}: ${error.message}`));
    const failedSeen = new Map<Queue, number>();
    const pollMs = config.pollMs ?? 1000;
    let polled = 0;
    while (pending.size > 0 && !stopped && !broken) {
      await nap(pollMs, woken);
      // Results wake the loop (to see whether the run is complete); Redis is polled at most every pollMs.
      if (Date.now() - polled < pollMs) continue;
      polled = Date.now();
      await findFailures(queues, failedSeen, pending, fail);
      await countListeners(envQueues, stats);
    }
    if (broken) throw broken;
    if (!stopped && stats.failed.length === 0) await releaseQueue(redis, name, holder, envQueues);
    return { stats, stopped, failed: stats.failed };
  } finally {
    await consumer?.close();
  }
}

/** Waits `ms`, or less if `woken` settles first. */
async function nap(ms: number, woken: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes a result unless the run already holds it; a result that cannot be written fails for good. */
async function writeResult(writer: RunWriter, episodeId: string, job: Job, stats: QueueStats): Promise<void> {
  const parsed = resultJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`a bad result came back for it: ${describeIssues(parsed.error)}`);
  const { workerId, record, blobs } = parsed.data;
  if (record.episodeId !== episodeId || record.runId !== writer.runId) {
    throw new UnrecoverableError(`worker ${workerId} sent back episode ${record.episodeId} of run ${record.runId} as its result`);
  }
  for (const [sha256, base64] of Object.entries(blobs)) {
    if ((await writer.putBlob(Buffer.from(base64, 'base64'))) !== sha256)
      throw new UnrecoverableError(`worker ${workerId} sent back a blob whose bytes are not its sha256 ${sha256}`);
  }
  await writer.append(record as EpisodeRecord);
  stats.recordFrom(workerId, record as EpisodeRecord);
}

/**
 * Which run a queue serves: its id and when it was started (run ids are folder names, so two
 * runs may share one; the start time, kept by every resume, tells them apart).
 */
interface QueueHolder {
  runId: string;
  startedAt: string;
}

function holderOf(runDir: string): QueueHolder {
  const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { runId?: unknown; startedAt?: unknown };
  return { runId: String(manifest.runId ?? ''), startedAt: String(manifest.startedAt ?? '') };
}

/**
 * Makes the queue this run's: refuses (one line) a queue that still holds another run's jobs.
 * True when the queue already served this run (a resume re-attaches to its jobs).
 */
async function claimQueue(redis: Redis, name: string, run: QueueHolder, queues: Queue[], address: QueueAddress): Promise<boolean> {
  const holder = await refuseBusyQueue(redis, name, run, queues, address);
  if (holder?.runId === run.runId && holder.startedAt === run.startedAt) return true;
  await redis.set(runKey(name), JSON.stringify(run));
  return false;
}

/** Throws QueueBusyError when the queue holds jobs of a run other than `run` (any run, for a run not yet made); the holder otherwise. */
async function refuseBusyQueue(
  redis: Redis,
  name: string,
  run: QueueHolder | undefined,
  queues: Queue[],
  address: QueueAddress,
): Promise<QueueHolder | undefined> {
  const stored = await redis.get(runKey(name));
  const holder = stored ? (JSON.parse(stored) as QueueHolder) : undefined;
  if (!holder || (holder.runId === run?.runId && holder.startedAt === run.startedAt)) return holder;
  const counts = await Promise.all(queues.map((q) => q.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed')));
  const jobs = counts.reduce((sum, n) => sum + n, 0);
  if (jobs === 0) return holder;
  throw new QueueBusyError(
    `queue ${name} on ${redactQueueUrl(address.url)} still holds ${jobs} job(s) of run ${holder.runId} (started ${holder.startedAt}): ` +
      'resume that run to finish it, or start this one under another queue name',
  );
}

/** Refuses a busy queue before the run is made or opened, so that a refusal leaves nothing behind. */
async function checkQueueFree(config: DistributedRolloutConfig): Promise<void> {
  const manifest = join(config.out, 'manifest.json');
  const run = config.resume && existsSync(manifest) ? holderOf(config.out) : undefined;
  await withQueues(config, (redis, name, queues) => refuseBusyQueue(redis, name, run, queues, config.queue));
}

/** A connection and the run's queues (its envs' and the results queue) for `work`, closed after it. */
async function withQueues<T>(config: DistributedRolloutConfig, work: (redis: Redis, name: string, queues: Queue[]) => Promise<T>): Promise<T> {
  const name = queueName(config.queue);
  const connection = connectionOptions(config.queue);
  const redis = new Redis(connection);
  const onError = (error: Error) => config.log?.(`queue ${redactQueueUrl(config.queue.url)}: ${error.message}`);
  redis.on('error', onError);
  const queues = [...config.envs.map((e) => new Queue(envQueueName(name, e.name), { connection })), new Queue(resultsQueueName(name), { connection })];
  for (const queue of queues) queue.on('error', onError);
  try {
    return await work(redis, name, queues);
  } finally {
    await Promise.allSettled(queues.map((queue) => queue.close()));
    redis.disconnect();
  }
}

/**
 * One job per episode still to run. Adding a job id the queue holds is a no-op, so enqueueing
 * twice is harmless; re-attaching, a job that failed for good (or completed with no result
 * left to write, or with one that was refused) is replaced so that it runs again.
 */
async function enqueue(config: DistributedRolloutConfig, plan: RunPlan, envQueues: Map<string, Queue>, results: Queue, attached: boolean): Promise<void> {
  const tasks = new Map(config.envs.map((e) => [e.name, e.spec.tasks]));
  for (const [env, queue] of envQueues) {
    const items = plan.todo.filter((item) => item.env === env);
    if (attached) {
      await Promise.all(
        items.map(async (item) => {
          const id = jobIdOf(item.episodeId);
          const state = await queue.getJobState(id);
          const result = await results.getJobState(id);
          // A result refused earlier is dropped, and its episode played again.
          if (result === 'failed') await results.remove(id);
          const rerun = state === 'failed' || (state === 'completed' && ['unknown', 'completed', 'failed'].includes(result));
          if (rerun) await queue.remove(id);
        }),
      );
    }
    for (let at = 0; at < items.length; at += 500) {
      await queue.addBulk(
        items.slice(at, at + 500).map((item) => {
          const data: EpisodeJob = {
            v: 1,
            runId: plan.writer.runId,
            item,
            agent: config.agentSpec,
            limits: config.limits,
            ...(config.resetOptions ? { resetOptions: config.resetOptions } : {}),
            reward: config.reward ?? 'success',
            ...(tasks.get(env)?.length ? { tasks: [...tasks.get(env)!] } : {}),
            ...(config.maxAttempts ? { maxAttempts: config.maxAttempts } : {}),
          };
          // A worker error that is not about the job (its env could not start) is retried, maybe elsewhere.
          return { name: 'episode', data, opts: { jobId: jobIdOf(item.episodeId), attempts: 3, backoff: { type: 'fixed', delay: 1000 } } };
        }),
      );
    }
  }
}

/** Marks failed the pending episodes whose jobs (or results) failed for good. */
async function findFailures(queues: Queue[], seen: Map<Queue, number>, pending: Set<string>, fail: (episodeId: string, reason: string) => void): Promise<void> {
  for (const queue of queues) {
    // Only a queue whose count of failed jobs changed is read: a long run's failures are read once, not every poll.
    const count = await queue.getFailedCount();
    if (count === (seen.get(queue) ?? 0)) continue;
    seen.set(queue, count);
    for (const job of await queue.getFailed(0, -1)) {
      const episodeId = episodeIdOf(job.id ?? '');
      if (pending.has(episodeId)) fail(episodeId, job.failedReason || 'the job failed without a reason');
    }
  }
}

async function countListeners(envQueues: Map<string, Queue>, stats: QueueStats): Promise<void> {
  for (const [env, queue] of envQueues) {
    // CLIENT LIST may be refused by an ACL: then the count is unknown.
    stats.listening.set(env, await queue.getWorkersCount().catch(() => undefined));
  }
}

/** The run is complete: its jobs leave the queue, which is free for another run. */
async function releaseQueue(redis: Redis, name: string, run: QueueHolder, envQueues: Map<string, Queue>): Promise<void> {
  for (const queue of envQueues.values()) {
    while ((await queue.clean(0, 1000, 'completed')).length > 0);
  }
  if ((await redis.get(runKey(name))) === JSON.stringify(run)) await redis.del(runKey(name));
}
