import type { EpisodeRecord, EpisodeStatus } from '@workgym/trajectories';

export interface EnvProgress {
  env: string;
  total: number;
  done: number;
  success: number;
  statuses: Record<EpisodeStatus, number>;
  rewardSum: number;
  steps: number;
  /** Episodes retried after an infrastructure fault. */
  retries: number;
  startedAt: number;
  /** Wall time of each episode from taking it to its record being written, summed. */
  wallMs: number;
  agentMs: number;
  envMs: number;
}

const noStatuses = (): Record<EpisodeStatus, number> => ({ success: 0, failure: 0, truncated: 0, agent_error: 0, infra_error: 0 });

/** Counts per env while a rollout runs; the progress display and the summary read it. */
export class RolloutStats {
  readonly byEnv = new Map<string, EnvProgress>();

  constructor(totals: Record<string, number>, skipped: Record<string, number> = {}) {
    const now = Date.now();
    for (const [env, total] of Object.entries(totals)) {
      this.byEnv.set(env, {
        env,
        total,
        done: skipped[env] ?? 0,
        success: 0,
        statuses: noStatuses(),
        rewardSum: 0,
        steps: 0,
        retries: 0,
        startedAt: now,
        wallMs: 0,
        agentMs: 0,
        envMs: 0,
      });
    }
  }

  record(record: EpisodeRecord, wallMs: number): void {
    const p = this.byEnv.get(record.env ?? '')!;
    p.done += 1;
    p.statuses[record.status as EpisodeStatus] += 1;
    if (record.success) p.success += 1;
    p.rewardSum += record.finalReward ?? 0;
    p.steps += record.steps?.length ?? 0;
    p.retries += (record.attempts ?? 1) - 1;
    p.wallMs += wallMs;
    p.agentMs += record.timings?.agentMs ?? 0;
    p.envMs += record.timings?.envMs ?? 0;
  }

  /** Episodes per minute for an env since the rollout started. */
  rate(env: string): number {
    const p = this.byEnv.get(env)!;
    const recorded = Object.values(p.statuses).reduce((a, b) => a + b, 0);
    return recorded / Math.max(1e-9, (Date.now() - p.startedAt) / 60_000);
  }

  get envs(): EnvProgress[] {
    return [...this.byEnv.values()];
  }
}
