import { matchCandidate, statesFromRecord } from '@workgym/trainers';
import type { EpisodeRecord } from '@workgym/trajectories';

/**
 * The same size for two arms of demonstrations: per family, the train tasks that both arms'
 * experts solved, so the arms learn from the same tasks and the same number of episodes; only
 * how the episodes act differs.
 */
export function sameTasks(a: readonly EpisodeRecord[], b: readonly EpisodeRecord[], families: readonly string[]): { a: EpisodeRecord[]; b: EpisodeRecord[] } {
  const solved = (records: readonly EpisodeRecord[]) =>
    new Map(records.filter((r) => r.success && r.split === 'train' && families.includes(r.family ?? '')).map((r) => [r.episodeId ?? '', r]));
  const solvedA = solved(a);
  const solvedB = solved(b);
  const tasks = [...solvedA.keys()].filter((id) => solvedB.has(id)).sort();
  return { a: tasks.map((id) => solvedA.get(id)!), b: tasks.map((id) => solvedB.get(id)!) };
}

/**
 * What behaviour cloning learns from the records, by the tool of the candidate each step's call
 * is projected on (injected steps and calls no candidate matches teach nothing): a candidate
 * policy only learns the moves that the candidates offer.
 */
export function decisionsByTool(records: readonly EpisodeRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) {
    for (const { state, calls, injected } of statesFromRecord(record)) {
      const chosen = !injected && calls[0] ? matchCandidate(calls[0], state.candidates) : -1;
      if (chosen >= 0) counts[state.candidates[chosen]!.name] = (counts[state.candidates[chosen]!.name] ?? 0) + 1;
    }
  }
  return counts;
}
