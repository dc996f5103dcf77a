import { setMaxListeners } from 'node:events';
import { WorkgymError } from '@workgym/protocol';
import { EnvPool, type EnvRuntime, type EnvServerSpec, type Lease } from '@workgym/runtime';
import type { EpisodeRecord, RunWriter } from '@workgym/trajectories';
import type { Agent } from '../agent.js';
import { ActionFault, InfraFault } from '../faults.js';
import { runEpisode, type EpisodeLimits, type EpisodeTask } from '../run-episode.js';
import { attributeActionFault, type FaultAttribution } from './fault-attribution.js';
import { RolloutStats, type EarlierEpisode } from './rollout-stats.js';
import type { WorkItem } from './work-item.js';
import type { WorkQueue } from './work-queue.js';

export class RolloutStoppedError extends WorkgymError {
  constructor() {
    super('WORKGYM_ROLLOUT_STOPPED', 'the rollout was stopped');
  }
}

export interface RolloutEnv {
  name: string;
  spec: EnvServerSpec;
  /** Episodes the run holds or plans for the env (for progress). */
  total: number;
}

type EnvInfo = { version: string; imageId: string };

export interface RolloutOptions {
  runtime: EnvRuntime;
  agent: Agent;
  writer: RunWriter;
  queue: WorkQueue;
  envs: RolloutEnv[];
  /** Episodes in flight at once per env (each env without a pool of the caller's gets its own warm pool of this size). */
  parallel: number;
  /**
   * Warm pools to lease from instead of starting new ones, by env name: several rollouts (the
   * training sets of a transfer matrix) then share one warm pool per env. The caller closes them.
   */
  pools?: ReadonlyMap<string, EnvPool>;
  limits: EpisodeLimits;
  /** Reset options every episode's reset passes to its env (see EpisodeTask.options). */
  resetOptions?: Record<string, unknown>;
  /** Attempts per episode when the env side fails (default 3). */
  maxAttempts?: number;
  /** What the run held before this session (a resume), so that the stats describe the whole run. */
  earlier?: readonly EarlierEpisode[];
  onProgress?: (stats: RolloutStats) => void;
  log?: (line: string) => void;
}

export interface RolloutResult {
  stats: RolloutStats;
  /** True when stop() (a signal) ended the run before every episode was recorded. */
  stopped: boolean;
}

/**
 * Runs many episodes across envs. Each env has its own pool and workers, so a slow env never
 * holds back a fast one; env faults are retried on a fresh instance and recorded, unless a
 * replay shows that the agent's action broke the env (env_broken); stop() abandons in-flight
 * episodes (a resume runs them again) and leaves no container behind. An env whose servers
 * cannot start at all fails the run (InstanceStartError).
 */
export class RolloutRunner {
  private readonly controller = new AbortController();
  private readonly pools = new Map<string, EnvPool>();
  readonly stats: RolloutStats;

  constructor(private readonly options: RolloutOptions) {
    // Every worker and every episode in flight listens to this one signal.
    setMaxListeners(0, this.controller.signal);
    this.stats = new RolloutStats(Object.fromEntries(options.envs.map((e) => [e.name, e.total])), options.earlier);
  }

  /** Stops taking episodes and abandons those in flight; a `reason` other than a stop makes run() throw it. */
  stop(reason: Error = new RolloutStoppedError()): void {
    this.controller.abort(reason);
  }

  async run(): Promise<RolloutResult> {
    const signal = this.controller.signal;
    let failure: unknown;
    try {
      await Promise.all(this.options.envs.map((env) => this.runEnv(env, signal)));
    } catch (error) {
      failure = error;
      this.controller.abort(error);
    } finally {
      await Promise.allSettled([...this.pools.values()].map((pool) => pool.close()));
      await this.options.writer.flush().catch(() => undefined);
    }
    if (failure && !(failure instanceof RolloutStoppedError)) throw failure;
    return { stats: this.stats, stopped: signal.aborted };
  }

  private async runEnv(env: RolloutEnv, signal: AbortSignal): Promise<void> {
    const remaining = (await this.options.queue.remaining())[env.name] ?? 0;
    if (remaining === 0) return;
    let pool = this.options.pools?.get(env.name);
    if (!pool) {
      pool = await EnvPool.create({
        runtime: this.options.runtime,
        spec: env.spec,
        size: Math.min(this.options.parallel, remaining),
        callDeadlineMs: this.options.limits.envDeadlineMs,
        log: this.options.log,
      });
      this.pools.set(env.name, pool);
    }
    const envInfo = await this.envInfo(pool, signal);
    if (!envInfo) return;
    const workers = Array.from({ length: Math.min(this.options.parallel, remaining) }, () => this.work(env.name, pool, envInfo, signal));
    await Promise.all(workers);
  }

  /** The env's version and image, from one instance; undefined when stopped. */
  private async envInfo(pool: EnvPool, signal: AbortSignal): Promise<EnvInfo | undefined> {
    for (;;) {
      const probe = await this.lease(pool, signal);
      if (!probe) return undefined;
      try {
        const hello = await probe.client.hello({ signal });
        await probe.release();
        return { version: hello.version, imageId: probe.instance.imageId ?? '' };
      } catch (error) {
        await probe.release({ fault: true });
        if (signal.aborted) return undefined;
        this.options.log?.(`hello failed, trying another instance: ${(error as Error).message}`);
      }
    }
  }

  private async work(env: string, pool: EnvPool, envInfo: EnvInfo, signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) return;
      const item = await this.options.queue.take(env, signal);
      if (!item) return;
      const started = performance.now();
      const record = await this.attempt(item, pool, envInfo, signal);
      if (!record) return; // stopped mid-episode: left for a resume
      await this.options.writer.append(record);
      this.stats.record(record, performance.now() - started);
      await this.options.queue.complete(item);
      this.options.onProgress?.(this.stats);
    }
  }

  /** The work item as the env is reset for it: with the run's reset options. */
  private task(item: WorkItem): EpisodeTask {
    return this.options.resetOptions ? { ...item, options: this.options.resetOptions } : item;
  }

  /**
   * Plays the episode, retrying env faults on fresh instances; an action fault that a replay
   * pins on the agent ends it as env_broken instead. Undefined when stopped.
   */
  private async attempt(item: WorkItem, pool: EnvPool, envInfo: EnvInfo, signal: AbortSignal): Promise<EpisodeRecord | undefined> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    const faults: string[] = [];
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const lease = await this.lease(pool, signal);
      if (!lease) return undefined;
      let closeFailed = false;
      try {
        const record = await runEpisode({
          client: lease.client,
          agent: this.options.agent,
          task: this.task(item),
          ids: { runId: this.options.writer.runId, episodeId: item.episodeId, groupId: item.groupId },
          limits: this.options.limits,
          env: { version: envInfo.version, imageId: lease.instance.imageId ?? envInfo.imageId },
          putBlob: (bytes) => this.options.writer.putBlob(bytes),
          onEnvFault: () => (closeFailed = true),
          signal,
        });
        await lease.release({ fault: closeFailed });
        return { ...record, attempts: attempt, errorMessage: [...faults, record.errorMessage].filter(Boolean).join('\n') };
      } catch (error) {
        await lease.release({ fault: error instanceof InfraFault });
        if (signal.aborted) return undefined;
        if (!(error instanceof InfraFault)) throw error;
        this.options.log?.(`${item.episodeId}: attempt ${attempt} failed: ${error.message}`);
        faults.push(error.message);
        if (error instanceof ActionFault) {
          const verdict = await this.replay(item, pool, error, signal);
          if (!verdict) return undefined;
          faults.push(verdict.message);
          if (verdict.agentCaused) return { ...error.partial, attempts: attempt, errorMessage: faults.join('\n') };
        }
      }
    }
    return infraErrorRecord(item, this.options, envInfo, faults, maxAttempts);
  }

  /** Replays an action fault's episode on a fresh instance to find whose fault it was; undefined when stopped. */
  private async replay(item: WorkItem, pool: EnvPool, fault: ActionFault, signal: AbortSignal): Promise<FaultAttribution | undefined> {
    const lease = await this.lease(pool, signal);
    if (!lease) return undefined;
    let verdict: FaultAttribution | undefined;
    try {
      verdict = await attributeActionFault(lease.client, this.task(item), fault, this.options.limits, signal);
      return verdict;
    } catch (error) {
      if (signal.aborted) return undefined;
      throw error;
    } finally {
      await lease.release({ fault: !verdict?.healthy });
    }
  }

  /** A lease, or undefined when the rollout was stopped; an env that cannot start throws (InstanceStartError). */
  private async lease(pool: EnvPool, signal: AbortSignal): Promise<Lease | undefined> {
    try {
      return await pool.acquire(signal);
    } catch (error) {
      if (signal.aborted) return undefined;
      throw error;
    }
  }
}

function infraErrorRecord(item: WorkItem, options: RolloutOptions, envInfo: EnvInfo, faults: string[], attempts: number): EpisodeRecord {
  const now = Date.now();
  return {
    runId: options.writer.runId,
    episodeId: item.episodeId,
    groupId: item.groupId,
    env: item.env,
    family: item.family,
    seed: item.seed,
    split: item.split,
    agent: options.agent.info,
    envVersion: envInfo.version,
    imageId: envInfo.imageId,
    steps: [],
    finalReward: 0,
    success: false,
    status: 'infra_error',
    errorMessage: faults.join('\n'),
    attempts,
    timings: { startedAtMs: now, endedAtMs: now, agentMs: 0, envMs: 0, totalMs: 0 },
  };
}
