import { EPISODE_STATUSES, type EpisodeRecord, type EpisodeStatus, type EpisodeSummary } from '@workgym/trajectories';

export interface EnvProgress {
  env: string;
  /** Episodes the run holds or plans for this env. */
  total: number;
  /** Episodes the run holds: those from before this session (`earlier`) and the new ones. */
  done: number;
  /** Episodes the run held when this session started (a resume). */
  earlier: number;
  success: number;
  statuses: Record<EpisodeStatus, number>;
  rewardSum: number;
  steps: number;
  /** This session's episodes retried after an infrastructure fault. */
  retries: number;
  /** When this session's first new episode of the env was taken, and its last one recorded. */
  firstStartMs?: number;
  lastEndMs?: number;
  /** Wall time of each new episode from taking it to its record being written, summed. */
  wallMs: number;
  agentMs: number;
  envMs: number;
}

/** What the run already holds of an episode (its index summary). */
export type EarlierEpisode = Pick<EpisodeSummary, 'env' | 'status' | 'success' | 'finalReward' | 'steps'>;

const noStatuses = () => Object.fromEntries(EPISODE_STATUSES.map((s) => [s, 0])) as Record<EpisodeStatus, number>;

/**
 * Counts per env over the whole run: the episodes it held before this session (a resume) and
 * those recorded since. The progress display and the summary read it.
 */
export class RolloutStats {
  readonly byEnv = new Map<string, EnvProgress>();
  /** When this session started (the stats are made before the pools warm up) and recorded its last episode. */
  readonly startedAtMs = Date.now();
  private lastEndMs: number | undefined;

  /** `totals`: the episodes each env of this session holds or plans; `earlier`: what the run held before it. */
  constructor(totals: Record<string, number>, earlier: readonly EarlierEpisode[] = []) {
    const row = (env: string, total: number): EnvProgress => ({
      env,
      total,
      done: 0,
      earlier: 0,
      success: 0,
      statuses: noStatuses(),
      rewardSum: 0,
      steps: 0,
      retries: 0,
      wallMs: 0,
      agentMs: 0,
      envMs: 0,
    });
    for (const [env, total] of Object.entries(totals)) this.byEnv.set(env, row(env, total));
    for (const episode of earlier) {
      // An env this session does not run still belongs to the run's picture.
      if (!(episode.env in totals)) {
        if (!this.byEnv.has(episode.env)) this.byEnv.set(episode.env, row(episode.env, 0));
        this.byEnv.get(episode.env)!.total += 1;
      }
      this.count(episode).earlier += 1;
    }
  }

  record(record: EpisodeRecord, wallMs: number): void {
    const p = this.count({
      env: record.env ?? '',
      status: record.status ?? '',
      success: record.success ?? false,
      finalReward: record.finalReward ?? 0,
      steps: record.steps?.length ?? 0,
    });
    p.retries += (record.attempts ?? 1) - 1;
    const end = Date.now();
    p.firstStartMs = Math.min(p.firstStartMs ?? Infinity, end - wallMs);
    p.lastEndMs = Math.max(p.lastEndMs ?? -Infinity, end);
    this.lastEndMs = end;
    p.wallMs += wallMs;
    p.agentMs += record.timings?.agentMs ?? 0;
    p.envMs += record.timings?.envMs ?? 0;
  }

  /**
   * New episodes per minute for an env, over the time its new episodes ran (the first taken to the
   * last recorded): an env that finished early is not charged for the time others still run.
   */
  rate(env: string): number {
    const p = this.byEnv.get(env)!;
    if (p.firstStartMs === undefined || p.lastEndMs === undefined) return 0;
    return (p.done - p.earlier) / Math.max(1e-9, (p.lastEndMs - p.firstStartMs) / 60_000);
  }

  /** This session's wall time: from its start (warm-up included) to its last recorded episode. */
  get wallMs(): number {
    return this.lastEndMs === undefined ? 0 : this.lastEndMs - this.startedAtMs;
  }

  /** This session's new episodes, all envs together. */
  get newEpisodes(): number {
    return this.envs.reduce((n, e) => n + e.done - e.earlier, 0);
  }

  /** New episodes per minute over the session's wall time: what the run as a whole delivered. */
  overallRate(): number {
    return this.wallMs > 0 ? this.newEpisodes / (this.wallMs / 60_000) : 0;
  }

  get envs(): EnvProgress[] {
    return [...this.byEnv.values()];
  }

  private count(episode: EarlierEpisode): EnvProgress {
    const p = this.byEnv.get(episode.env)!;
    p.done += 1;
    if (episode.status in p.statuses) p.statuses[episode.status as EpisodeStatus] += 1;
    if (episode.success) p.success += 1;
    p.rewardSum += episode.finalReward;
    p.steps += episode.steps;
    return p;
  }
}
