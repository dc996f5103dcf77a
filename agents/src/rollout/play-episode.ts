import type { PersonPlayer, RewardMode } from '@workgym/protocol';
import type { EnvPool, Lease } from '@workgym/runtime';
import type { EpisodeRecord } from '@workgym/trajectories';
import type { Agent } from '../agent.js';
import { ActionFault, InfraFault, PeopleFault } from '../faults.js';
import { runEpisode, type EpisodeLimits, type EpisodeTask } from '../run-episode.js';
import { attributeActionFault, type FaultAttribution } from './fault-attribution.js';
import type { WorkItem } from './work-item.js';

// One episode's attempts on a warm pool: what the in-process runner and a queue worker share.

/** An env's version and image, from one of its instances. */
export interface EnvInfo {
  version: string;
  imageId: string;
}

export interface PlayOptions {
  agent: Agent;
  /** The run the record belongs to. */
  runId: string;
  limits: EpisodeLimits;
  /** Reset options every episode's reset passes to its env (see EpisodeTask.options). */
  resetOptions?: Record<string, unknown>;
  /** What every episode's final reward pays (default success; see RunEpisodeOptions.reward). */
  reward?: RewardMode;
  /**
   * Plays the tasks' people instead of their scripts: every reset asks the env for people
   * "client", and the env asks this for each person's reply. A person it cannot play is the
   * person's fault (people_error): retried like an infra fault, never pinned on the agent.
   */
  playPeople?: PersonPlayer;
  /** Attempts per episode when the env side fails (default 3). */
  maxAttempts?: number;
  /** Stores a blob (a screenshot) and resolves with the sha256 the record names it by. */
  putBlob(bytes: Uint8Array): Promise<string>;
  log?: (line: string) => void;
}

/**
 * Plays the episode, retrying env faults on fresh instances; an action fault that a replay pins
 * on the agent ends it as env_broken instead, and an episode whose env fails every attempt is
 * recorded as infra_error. Undefined when `signal` stopped it (a resume, or another worker, runs
 * it again). Errors that a retry cannot help (an unknown family) are thrown.
 */
export async function playEpisode(
  item: WorkItem,
  pool: EnvPool,
  envInfo: EnvInfo,
  options: PlayOptions,
  signal: AbortSignal,
): Promise<EpisodeRecord | undefined> {
  const maxAttempts = options.maxAttempts ?? 3;
  const task = episodeTask(item, options.resetOptions);
  const faults: string[] = [];
  let lastPeopleFault = false;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const lease = await leaseOrStop(pool, signal);
    if (!lease) return undefined;
    let closeFailed = false;
    lease.client.playPerson = options.playPeople;
    try {
      const record = await runEpisode({
        client: lease.client,
        agent: options.agent,
        task,
        ids: { runId: options.runId, episodeId: item.episodeId, groupId: item.groupId },
        limits: options.limits,
        reward: options.reward,
        ...(options.playPeople ? { people: 'client' as const } : {}),
        env: { version: envInfo.version, imageId: lease.instance.imageId ?? envInfo.imageId },
        putBlob: options.putBlob,
        onEnvFault: () => (closeFailed = true),
        signal,
      });
      await lease.release({ fault: closeFailed });
      return { ...record, attempts: attempt, errorMessage: [...faults, record.errorMessage].filter(Boolean).join('\n') };
    } catch (error) {
      await lease.release({ fault: error instanceof InfraFault });
      if (signal.aborted) return undefined;
      if (!(error instanceof InfraFault)) throw error;
      options.log?.(`${item.episodeId}: attempt ${attempt} failed: ${error.message}`);
      faults.push(error.message);
      lastPeopleFault = error instanceof PeopleFault || error.cause instanceof PeopleFault;
      // A person the client could not play is the person's fault: no replay can pin it on the agent.
      if (error instanceof ActionFault && !(error.cause instanceof PeopleFault)) {
        const verdict = await replay(task, pool, error, options.limits, signal);
        if (!verdict) return undefined;
        faults.push(verdict.message);
        if (verdict.agentCaused) return { ...error.partial, attempts: attempt, errorMessage: faults.join('\n') };
      }
    }
  }
  return infraErrorRecord(item, options, envInfo, faults, maxAttempts, lastPeopleFault ? 'people_error' : 'infra_error');
}

/** The env's version and image, from one instance; undefined when stopped. */
export async function probeEnvInfo(pool: EnvPool, signal: AbortSignal, log?: (line: string) => void): Promise<EnvInfo | undefined> {
  for (;;) {
    const probe = await leaseOrStop(pool, signal);
    if (!probe) return undefined;
    try {
      const hello = await probe.client.hello({ signal });
      await probe.release();
      return { version: hello.version, imageId: probe.instance.imageId ?? '' };
    } catch (error) {
      await probe.release({ fault: true });
      if (signal.aborted) return undefined;
      log?.(`hello failed, trying another instance: ${(error as Error).message}`);
    }
  }
}

/** The work item as the env is reset for it: with the run's reset options. */
function episodeTask(item: WorkItem, resetOptions: Record<string, unknown> | undefined): EpisodeTask {
  return resetOptions ? { ...item, options: resetOptions } : item;
}

/** Replays an action fault's episode on a fresh instance to find whose fault it was; undefined when stopped. */
async function replay(task: EpisodeTask, pool: EnvPool, fault: ActionFault, limits: EpisodeLimits, signal: AbortSignal): Promise<FaultAttribution | undefined> {
  const lease = await leaseOrStop(pool, signal);
  if (!lease) return undefined;
  let verdict: FaultAttribution | undefined;
  try {
    verdict = await attributeActionFault(lease.client, task, fault, limits, signal);
    return verdict;
  } catch (error) {
    if (signal.aborted) return undefined;
    throw error;
  } finally {
    await lease.release({ fault: !verdict?.healthy });
  }
}

/** A lease, or undefined when stopped; an env that cannot start throws (InstanceStartError). */
async function leaseOrStop(pool: EnvPool, signal: AbortSignal): Promise<Lease | undefined> {
  try {
    return await pool.acquire(signal);
  } catch (error) {
    if (signal.aborted) return undefined;
    throw error;
  }
}

function infraErrorRecord(
  item: WorkItem,
  options: PlayOptions,
  envInfo: EnvInfo,
  faults: string[],
  attempts: number,
  status: 'infra_error' | 'people_error',
): EpisodeRecord {
  const now = Date.now();
  return {
    runId: options.runId,
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
    rewardMode: options.reward ?? 'success',
    shapedReward: 0,
    success: false,
    status,
    errorMessage: faults.join('\n'),
    attempts,
    timings: { startedAtMs: now, endedAtMs: now, agentMs: 0, envMs: 0, totalMs: 0 },
  };
}
