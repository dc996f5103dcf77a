import { setMaxListeners } from 'node:events';
import { WorkgymError, type PersonPlayer, type RewardMode } from '@workgym/protocol';
import { EnvPool, type EnvRuntime, type EnvServerSpec } from '@workgym/runtime';
import type { RunWriter } from '@workgym/trajectories';
import type { Agent } from '../agent.js';
import type { EpisodeLimits } from '../run-episode.js';
import { envNeeds, hostCapacity, planParallelism, poolOptions, reportPlan, type EnvParallelism, type HostCapacity, type Parallel } from './parallelism.js';
import { playEpisode, probeEnvInfo, type EnvInfo, type PlayOptions } from './play-episode.js';
import { RolloutStats, type EarlierEpisode } from './rollout-stats.js';
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

export interface RolloutOptions {
  runtime: EnvRuntime;
  agent: Agent;
  writer: RunWriter;
  queue: WorkQueue;
  envs: RolloutEnv[];
  /**
   * Episodes in flight at once per env, or 'auto' to size them from the host's cores and free
   * memory (see planParallelism); an explicit number beyond what fits is cut, with a warning.
   * Each env without a pool of the caller's gets its own warm pool for its lanes.
   */
  parallel: Parallel;
  /** The machine the plan sizes for (default: this one's cores and available memory). */
  host?: HostCapacity;
  /** Episodes each env has left in `queue`, when known up front: the plan is then made at once (`plan`), before run(). */
  remaining?: Record<string, number>;
  /**
   * Warm pools to lease from instead of starting new ones, by env name: several rollouts (the
   * training sets of a transfer matrix) then share one warm pool per env. The caller closes them.
   */
  pools?: ReadonlyMap<string, EnvPool>;
  limits: EpisodeLimits;
  /** Reset options every episode's reset passes to its env (see EpisodeTask.options). */
  resetOptions?: Record<string, unknown>;
  /** What every episode's final reward pays: success, 0 or 1 (the default), or the shaped reward. */
  reward?: RewardMode;
  /** Plays the tasks' people instead of their scripts (see PlayOptions.playPeople). */
  playPeople?: PersonPlayer;
  /** Attempts per episode when the env side fails (default 3). */
  maxAttempts?: number;
  /** What the run held before this session (a resume), so that the stats describe the whole run. */
  earlier?: readonly EarlierEpisode[];
  onProgress?: (stats: RolloutStats) => void;
  /** Called once with each env's lanes and containers, before any pool starts (a warning on each env it capped). */
  onPlan?: (plan: readonly EnvParallelism[]) => void;
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
  private readonly playOptions: PlayOptions;
  private planned: EnvParallelism[] | undefined;
  readonly stats: RolloutStats;

  constructor(private readonly options: RolloutOptions) {
    // Every worker and every episode in flight listens to this one signal.
    setMaxListeners(0, this.controller.signal);
    this.playOptions = {
      agent: options.agent,
      runId: options.writer.runId,
      limits: options.limits,
      resetOptions: options.resetOptions,
      reward: options.reward,
      playPeople: options.playPeople,
      maxAttempts: options.maxAttempts,
      putBlob: (bytes) => options.writer.putBlob(bytes),
      log: options.log,
    };
    this.stats = new RolloutStats(Object.fromEntries(options.envs.map((e) => [e.name, e.total])), options.earlier);
    if (options.remaining) this.planned = this.planFor(options.remaining);
  }

  /** Stops taking episodes and abandons those in flight; a `reason` other than a stop makes run() throw it. */
  stop(reason: Error = new RolloutStoppedError()): void {
    this.controller.abort(reason);
  }

  async run(): Promise<RolloutResult> {
    const signal = this.controller.signal;
    let failure: unknown;
    try {
      const plan = (this.planned ??= this.planFor(await this.options.queue.remaining()));
      reportPlan(plan, this.options.onPlan, this.options.log);
      await Promise.all(this.options.envs.map((env, i) => this.runEnv(env, plan[i]!, signal)));
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

  /** Each env's lanes and containers: from the start when the options give `remaining`, else once run() has asked the queue (empty before). */
  get plan(): readonly EnvParallelism[] {
    return this.planned ?? [];
  }

  private planFor(remaining: Record<string, number>): EnvParallelism[] {
    const needs = this.options.envs.map((env) => ({ ...envNeeds(env.spec, remaining[env.name] ?? 0), name: env.name }));
    return planParallelism(this.options.parallel, needs, this.options.host ?? hostCapacity(), this.options.agent.pacing ?? 'cpu');
  }

  private async runEnv(env: RolloutEnv, plan: EnvParallelism, signal: AbortSignal): Promise<void> {
    if (plan.lanes === 0) return;
    let pool = this.options.pools?.get(env.name);
    if (!pool) {
      pool = await EnvPool.create({
        runtime: this.options.runtime,
        ...poolOptions(env.spec, plan),
        callDeadlineMs: this.options.limits.envDeadlineMs,
        log: this.options.log,
      });
      this.pools.set(env.name, pool);
    }
    const envInfo = await probeEnvInfo(pool, signal, this.options.log);
    if (!envInfo) return;
    const workers = Array.from({ length: plan.lanes }, () => this.work(env.name, pool, envInfo, signal));
    await Promise.all(workers);
  }

  private async work(env: string, pool: EnvPool, envInfo: EnvInfo, signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) return;
      const item = await this.options.queue.take(env, signal);
      if (!item) return;
      const started = performance.now();
      const record = await playEpisode(item, pool, envInfo, this.playOptions, signal);
      if (!record) return; // stopped mid-episode: left for a resume
      await this.options.writer.append(record);
      this.stats.record(record, performance.now() - started);
      await this.options.queue.complete(item);
      this.options.onProgress?.(this.stats);
    }
  }
}
