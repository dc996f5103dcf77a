import type { EpisodeSummary } from '@workgym/trajectories';
import type { EpisodeRow } from './api.js';

/** An episode list row from an index entry: no record decoded. */
export function rowOf(summary: EpisodeSummary, index: number): EpisodeRow {
  return {
    index,
    episodeId: summary.episodeId,
    env: summary.env,
    family: summary.family,
    job: summary.job,
    seed: summary.seed,
    split: summary.split,
    status: summary.status,
    success: summary.success,
    infeasible: summary.infeasible,
    finalReward: summary.finalReward,
    steps: summary.steps,
    tokens: summary.promptTokens + summary.completionTokens,
    attempts: summary.attempts || 1,
  };
}
