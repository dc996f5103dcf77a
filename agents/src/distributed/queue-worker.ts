import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { EnvPool, type EnvRuntime, type EnvServerSpec } from '@workgym/runtime';
import type { Agent } from '../agent.js';
import { RolloutConfigError } from '../faults.js';
import { envNeeds, hostCapacity, planParallelism, poolOptions, reportPlan, type EnvParallelism, type Pacing, type Parallel } from '../rollout/parallelism.js';
import { playEpisode, probeEnvInfo, type EnvInfo } from '../rollout/play-episode.js';
import { connectionOptions, type QueueAddress } from './queue-address.js';
import { envQueueName, episodeIdOf, jobIdOf, queueName, resultsQueueName } from './queue-names.js';
import { BlobCollector, DEFAULT_MAX_RESULT_BYTES, encodeResult, ResultTooLargeError } from './result-payload.js';
import { describeIssues, episodeJobSchema, type AgentSpec, type EpisodeJob } from './schemas.js';

/** BullMQ's default: a job whose worker stops renewing its lock for this long is handed to another worker. */
export const DEFAULT_STALL_MS = 30_000;

export interface QueueWorkerOptions {
  queue: QueueAddress;
  runtime: EnvRuntime;
  /** The server spec of an env this machine serves, with the job's task-set paths; throws when it cannot (unknown env, missing path). */
  envSpec(env: string, tasks: readonly string[] | undefined): EnvServerSpec;
  /** The agent a job names (see agentFromSpec); throws when this machine cannot make it. */
  makeAgent(spec: AgentSpec): Agent;
  /** The envs whose queues this worker takes jobs from. */
  envs: string[];
  /**
   * Episodes in flight at once per env, or 'auto' (see planParallelism: the worker's cores and
   * memory, each env's container limits, `pacing`); each env's warm pool packs them on containers.
   */
  parallel: Parallel;
  /** What paces the jobs' agents, for 'auto' (default 'cpu'; 'remote' for model-server agents). */
  pacing?: Pacing;
  /** Called once with each env's lanes and containers, before the first job (a warning on each env it capped). */
  onPlan?: (plan: readonly EnvParallelism[]) => void;
  /** Names this worker in the coordinator's progress (default: host name and process id). */
  workerId?: string;
  onEvent?: (event: WorkerEvent) => void;
  /**
   * How long a job may go without its lock renewed (a dead worker, a lost connection) before a
   * live worker takes it over (default 30 s).
   */
  stallMs?: number;
  /** The most bytes one result may take on the queue (default DEFAULT_MAX_RESULT_BYTES). */
  maxResultBytes?: number;
  log?: (line: string) => void;
}

export type WorkerEvent =
  | { kind: 'started'; env: string; episodeId: string }
  /** `bytes`: the result's size on the queue (its JSON, blobs included). */
  | { kind: 'done'; env: string; episodeId: string; status: string; attempts: number; bytes: number }
  /** A job this worker cannot serve: it failed for good with `reason` (the coordinator shows it). */
  | { kind: 'refused'; env: string; episodeId: string; reason: string }
  /** An episode given back to the queue unfinished (drain past its deadline). */
  | { kind: 'returned'; env: string; episodeId: string }
  | { kind: 'error'; message: string };

export interface QueueWorker {
  readonly workerId: string;
  /**
   * Stops taking jobs; the episodes in flight finish, or, past `deadlineMs`, are stopped and
   * given back to the queue (another worker runs them). Then the pools and connections close.
   */
  drain(deadlineMs: number): Promise<{ finished: number; returned: number }>;
  /** drain(0): gives back at once whatever is in flight. */
  close(): Promise<void>;
}

interface WarmPool {
  pool: EnvPool;
  info: EnvInfo;
}

/**
 * Serves episode jobs from the queues of `envs`: one warm pool per env (and task-set paths),
 * made on the first job, episodes played with the same attempt logic as an in-process rollout,
 * each result sent to the results queue for the coordinator to write.
 */
export function startQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const workerId = options.workerId ?? `${hostname()}-${process.pid}`;
  const name = queueName(options.queue);
  const connection = connectionOptions(options.queue);
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  const emit = (event: WorkerEvent) => options.onEvent?.(event);
  const onError = (error: Error) => emit({ kind: 'error', message: error.message });
  // Aborted past a drain's deadline: every episode in flight listens.
  const giveBack = new AbortController();
  setMaxListeners(0, giveBack.signal);
  const plan = planWorker(options);
  const lanesOf = (env: string) => plan.find((p) => p.env === env)!;
  const pools = new Map<string, Promise<WarmPool>>();
  const agents = new Map<string, Agent>();
  let finished = 0;
  let returned = 0;
  const results = new Queue(resultsQueueName(name), { connection });
  results.on('error', onError);

  const warmPool = (env: string, job: EpisodeJob): Promise<WarmPool> => {
    const key = JSON.stringify([env, job.tasks ?? []]);
    let warm = pools.get(key);
    if (!warm) {
      let spec: EnvServerSpec;
      try {
        spec = options.envSpec(env, job.tasks);
      } catch (error) {
        throw refusal(`this worker cannot serve env ${env}: ${(error as Error).message}`);
      }
      warm = (async () => {
        const pool = await EnvPool.create({
          runtime: options.runtime,
          ...poolOptions(spec, lanesOf(env)),
          callDeadlineMs: job.limits.envDeadlineMs,
          log: options.log,
        });
        const info = await probeEnvInfo(pool, giveBack.signal, options.log);
        if (!info) throw new Error('drained before the env answered');
        return { pool, info };
      })();
      // A pool that could not start is tried again by the next job.
      warm.catch(() => pools.delete(key));
      pools.set(key, warm);
    }
    return warm;
  };

  const agentFor = (spec: AgentSpec): Agent => {
    const key = JSON.stringify(spec);
    let agent = agents.get(key);
    if (!agent) {
      try {
        agent = options.makeAgent(spec);
      } catch (error) {
        throw refusal(`this worker cannot make the ${spec.kind} agent: ${(error as Error).message}`);
      }
      agents.set(key, agent);
    }
    return agent;
  };

  const play = async (env: string, job: Job, token: string | undefined): Promise<{ workerId: string }> => {
    const parsed = episodeJobSchema.safeParse(job.data);
    if (!parsed.success) throw refusal(`bad job payload: ${describeIssues(parsed.error)}`);
    const data = parsed.data;
    const { item } = data;
    if (item.env !== env || job.id !== jobIdOf(item.episodeId)) {
      throw refusal(`bad job payload: episode ${item.episodeId} of env ${item.env} is not job ${job.id} of queue ${envQueueName(name, env)}`);
    }
    const agent = agentFor(data.agent);
    const giveBackJob = async (): Promise<never> => {
      await job.moveToWait(token);
      returned += 1;
      emit({ kind: 'returned', env, episodeId: item.episodeId });
      throw new WaitingError();
    };
    let warm: WarmPool;
    try {
      warm = await warmPool(env, data);
    } catch (error) {
      if (giveBack.signal.aborted) return giveBackJob();
      throw error;
    }
    const { pool, info } = warm;
    emit({ kind: 'started', env, episodeId: item.episodeId });
    const blobs = new BlobCollector();
    let record;
    try {
      record = await playEpisode(
        item,
        pool,
        info,
        {
          agent,
          runId: data.runId,
          limits: data.limits,
          resetOptions: data.resetOptions,
          reward: data.reward,
          maxAttempts: data.maxAttempts,
          putBlob: blobs.put,
          log: options.log,
        },
        giveBack.signal,
      );
    } catch (error) {
      if (error instanceof RolloutConfigError) throw refusal(error.message);
      throw error;
    }
    if (!record) return giveBackJob();
    let result;
    try {
      result = encodeResult(workerId, record, blobs.namedBy(record), maxResultBytes);
    } catch (error) {
      if (error instanceof ResultTooLargeError) throw refusal(error.message);
      throw error;
    }
    await results.add('result', result.data, { jobId: job.id, removeOnComplete: true, removeOnFail: false });
    finished += 1;
    emit({ kind: 'done', env, episodeId: item.episodeId, status: record.status ?? '', attempts: record.attempts ?? 1, bytes: result.bytes });
    return { workerId };
  };

  const workers = options.envs.map((env) => {
    const worker = new Worker(envQueueName(name, env), (job, token) => play(env, job, token), {
      connection,
      concurrency: lanesOf(env).lanes,
      name: workerId,
      lockDuration: stallMs,
      stalledInterval: stallMs,
      // A job whose worker died twice fails (with BullMQ's reason) rather than killing a third.
      maxStalledCount: 2,
    });
    worker.on('error', onError);
    worker.on('failed', (job, error) => {
      if (job && error instanceof UnrecoverableError) emit({ kind: 'refused', env, episodeId: episodeIdOf(job.id ?? ''), reason: error.message });
    });
    return worker;
  });

  let draining: Promise<{ finished: number; returned: number }> | undefined;
  const drain = (deadlineMs: number) => {
    draining ??= (async () => {
      const closed = Promise.all(workers.map((worker) => worker.close()));
      const deadline = new AbortController();
      await Promise.race([closed, sleep(deadlineMs, undefined, { signal: deadline.signal }).catch(() => undefined)]);
      deadline.abort();
      giveBack.abort();
      await closed;
      await Promise.allSettled([...pools.values()].map(async (warm) => (await warm).pool.close()));
      await results.close();
      return { finished, returned };
    })();
    return draining;
  };

  return {
    workerId,
    drain,
    close: async () => {
      await drain(0);
    },
  };
}

/** A job this worker cannot serve: failed for good, with a reason on one line (the coordinator prints it). */
function refusal(reason: string): UnrecoverableError {
  return new UnrecoverableError(reason.replace(/\s*\n\s*/g, '; '));
}

/**
 * Each env's lanes for a worker, which cannot know how many episodes will come: sized from the
 * env's spec without task sets (an env it cannot serve is sized by the defaults; its jobs are refused).
 */
function planWorker(options: QueueWorkerOptions): EnvParallelism[] {
  const needs = options.envs.map((env) => {
    let spec: EnvServerSpec;
    try {
      spec = options.envSpec(env, undefined);
    } catch {
      spec = { name: env, serverBundle: '' };
    }
    return { ...envNeeds(spec, Number.POSITIVE_INFINITY), name: env };
  });
  const plan = planParallelism(options.parallel, needs, hostCapacity(), options.pacing ?? 'cpu');
  reportPlan(plan, options.onPlan, options.log);
  return plan;
}
