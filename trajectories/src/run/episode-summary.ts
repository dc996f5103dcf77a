import type { EpisodeRecord } from '../record/record.js';
import { shapedRewardOf } from '../record/reward.js';
import { actionsHash } from '../record/task.js';

/**
 * What the episode index keeps per episode: where the record is, and enough about it to
 * filter, dedupe, balance, split and count without decoding a single record.
 */
export interface EpisodeSummary {
  episodeId: string;
  groupId: string;
  env: string;
  family: string;
  job: string;
  /** The task's difficulty (its tier where the family has tiers), the verifier version and the scenario; "" in indexes written before they were recorded. */
  difficulty: string;
  verifierVersion: string;
  scenario: string;
  seed: number;
  split: string;
  status: string;
  finalReward: number;
  /** What finalReward paid (EpisodeRecord.reward_mode): "" in records from before reward modes (read as shaped, see rewardModeOf()). */
  rewardMode: string;
  /** The shaped reward, whatever the mode (see shapedRewardOf(); an older index's entries get their finalReward). */
  shapedReward: number;
  success: boolean;
  /** The seed asked for what cannot be done (EpisodeRecord.infeasible); false in indexes written before it was recorded. */
  infeasible: boolean;
  steps: number;
  promptTokens: number;
  completionTokens: number;
  /** Times the episode was played: 1 + retries after infrastructure faults (0 in older records: read as 1). */
  attempts: number;
  /** Steps injected as noise (`rollout --noise`); absent in indexes written before they existed. */
  injectedSteps?: number;
  /** See actionsHash(): equal for episodes that took the same actions. */
  actionsHash: string;
  shard: string;
  offset: number;
  length: number;
}

export function summarize(record: EpisodeRecord, location: { shard: string; offset: number; length: number }): EpisodeSummary {
  let promptTokens = 0;
  let completionTokens = 0;
  let injectedSteps = 0;
  for (const step of record.steps ?? []) {
    promptTokens += step.usage?.promptTokens ?? 0;
    completionTokens += step.usage?.completionTokens ?? 0;
    injectedSteps += Number(step.injected ?? false);
  }
  return {
    episodeId: record.episodeId ?? '',
    groupId: record.groupId ?? '',
    env: record.env ?? '',
    family: record.family ?? '',
    job: record.job ?? '',
    difficulty: record.difficulty ?? '',
    verifierVersion: record.verifierVersion ?? '',
    scenario: record.scenario ?? '',
    seed: Number(record.seed ?? 0),
    split: record.split ?? '',
    status: record.status ?? '',
    finalReward: record.finalReward ?? 0,
    rewardMode: record.rewardMode ?? '',
    shapedReward: shapedRewardOf(record),
    success: record.success ?? false,
    infeasible: record.infeasible ?? false,
    steps: record.steps?.length ?? 0,
    promptTokens,
    completionTokens,
    attempts: record.attempts ?? 0,
    injectedSteps,
    actionsHash: actionsHash(record),
    shard: location.shard,
    offset: location.offset,
    length: location.length,
  };
}
