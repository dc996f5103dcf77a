import { createHash } from 'node:crypto';
import { NothingSelectedError } from '../errors.js';
import type { EpisodeSummary } from '../run/episode-summary.js';
import { matchesFilter } from '../run/record-filter.js';
import type { RecordFilter } from '../run/record-filter.js';
import { taskId, taskSplit } from '../record/task.js';

export interface SelectOptions extends RecordFilter {
  /** Keep one episode per task and action sequence (the first by episode id). */
  dedupe?: boolean;
  /** Down-sample so every env (or family) has as many episodes as the smallest one. */
  balance?: 'env' | 'family';
  /**
   * Keep one side of a train/validation split made by task: a task (env/family/seed) goes
   * to validation when its hash position is below `fraction`, so no task is on both sides.
   */
  holdout?: { part: 'train' | 'validation'; fraction: number };
}

/**
 * Picks episodes from index entries alone (no record is read): filter, dedupe, split by
 * task, balance; returns them sorted by episode id, so exports do not depend on the order
 * in which episodes were appended. Env, family and job filters that together name no episode
 * of the run are refused (NothingSelectedError), as a family glob that matches nothing is by
 * rollout: an empty file from a misspelt name looks like a finished export.
 */
export function selectEpisodes(summaries: readonly EpisodeSummary[], options: SelectOptions = {}): EpisodeSummary[] {
  refuseUnknownNames(summaries, options);
  let picked = summaries.filter((s) => matchesFilter(s, options)).sort(byEpisodeId);
  if (options.dedupe) {
    const seen = new Set<string>();
    picked = picked.filter((s) => {
      const key = `${taskId(s)}\u0000${s.actionsHash}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  if (options.holdout) {
    const { part, fraction } = options.holdout;
    picked = picked.filter((s) => taskSplit(s, fraction) === part);
  }
  if (options.balance) {
    const key = options.balance;
    const groups = new Map<string, EpisodeSummary[]>();
    for (const s of picked) groups.set(s[key], [...(groups.get(s[key]) ?? []), s]);
    const n = Math.min(...[...groups.values()].map((g) => g.length));
    // Which episodes survive is decided by a hash of their ids: not by id order, which often
    // follows seeds, and the same on every run.
    const keep = new Set<EpisodeSummary>();
    for (const group of groups.values()) {
      group
        .map((s) => ({ s, h: createHash('sha256').update(s.episodeId).digest('hex') }))
        .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0))
        .slice(0, n)
        .forEach(({ s }) => keep.add(s));
    }
    picked = picked.filter((s) => keep.has(s));
  }
  return picked;
}

export function byEpisodeId(a: { episodeId: string }, b: { episodeId: string }): number {
  return a.episodeId < b.episodeId ? -1 : a.episodeId > b.episodeId ? 1 : 0;
}

const NAMED = ['env', 'family', 'job'] as const;

function refuseUnknownNames(summaries: readonly EpisodeSummary[], options: SelectOptions): void {
  const given = NAMED.filter((key) => options[key] !== undefined);
  if (given.length === 0 || summaries.length === 0) return;
  const byName = { env: options.env, family: options.family, job: options.job };
  if (summaries.some((s) => matchesFilter(s, byName))) return;
  const wanted = given.map((key) => `${key} ${[options[key]].flat().join(',')}`).join(' and ');
  const held = given.map((key) => `${key}s ${[...new Set(summaries.map((s) => s[key]))].sort().join(', ')}`).join('; ');
  throw new NothingSelectedError(`${wanted} matches no episode of the run (it holds ${held})`);
}
