import type { EpisodeSummary } from './episode-summary.js';

/** Which episodes to read. Every given condition must hold; lists mean "any of". */
export interface RecordFilter {
  env?: string | readonly string[];
  family?: string | readonly string[];
  job?: string | readonly string[];
  split?: string | readonly string[];
  status?: string | readonly string[];
  /** Inclusive bounds on the final reward. */
  minReward?: number;
  maxReward?: number;
  successOnly?: boolean;
}

export function matchesFilter(summary: EpisodeSummary, filter: RecordFilter = {}): boolean {
  return (
    oneOf(summary.env, filter.env) &&
    oneOf(summary.family, filter.family) &&
    oneOf(summary.job, filter.job) &&
    oneOf(summary.split, filter.split) &&
    oneOf(summary.status, filter.status) &&
    (filter.minReward === undefined || summary.finalReward >= filter.minReward) &&
    (filter.maxReward === undefined || summary.finalReward <= filter.maxReward) &&
    (!filter.successOnly || summary.success)
  );
}

function oneOf(value: string, wanted: string | readonly string[] | undefined): boolean {
  if (wanted === undefined) return true;
  return typeof wanted === 'string' ? value === wanted : wanted.includes(value);
}
