import type { RewardMode } from '@workgym/protocol/reward';

/** The reward fields of a record or of its index entry. */
export interface RewardFields {
  finalReward?: number | null;
  rewardMode?: string | null;
  shapedReward?: number | null;
}

/**
 * What the record's final reward paid. Records from before reward modes were paid the shaped
 * reward (the env's own sum), so a record without a mode reads as "shaped".
 */
export function rewardModeOf(record: RewardFields): RewardMode {
  return record.rewardMode === 'success' ? 'success' : 'shaped';
}

/** The record's shaped reward; a record from before reward modes was paid it as its final reward. */
export function shapedRewardOf(record: RewardFields): number {
  return record.shapedReward ?? record.finalReward ?? 0;
}
