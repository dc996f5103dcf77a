import type { EpisodeRecord } from '@workgym/trajectories';
import { TrainerInputError } from '../errors.js';
import type { SuccessPair } from '../stats/paired.js';

/** One task's episode in each of two runs. */
export interface TaskPair {
  /** The episode id both runs gave the task (`<family>:<split>:<seed>:<sample>`). */
  task: string;
  family: string;
  a: EpisodeRecord;
  b: EpisodeRecord;
}

/**
 * Pairs two runs of the same tasks by episode id (a task's id is the same in every run), in A's
 * order. A task in one run only is an error, not a dropped pair: a comparison over the tasks
 * that happened to finish in both would no longer be over the same tasks it claims.
 */
export function pairByTask(a: readonly EpisodeRecord[], b: readonly EpisodeRecord[]): TaskPair[] {
  const task = (r: EpisodeRecord) => r.episodeId ?? '';
  const byTask = new Map(b.map((r) => [task(r), r]));
  const onlyA = a.map(task).filter((id) => !byTask.has(id));
  const inA = new Set(a.map(task));
  const onlyB = b.map(task).filter((id) => !inA.has(id));
  if (onlyA.length || onlyB.length) {
    const list = (ids: string[]) => `${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ` and ${ids.length - 3} more` : ''}`;
    throw new TrainerInputError(
      `the two runs do not hold the same tasks: ${onlyA.length ? `only A has ${list(onlyA)}` : ''}${onlyA.length && onlyB.length ? '; ' : ''}${onlyB.length ? `only B has ${list(onlyB)}` : ''}`,
    );
  }
  return a.map((r) => ({ task: task(r), family: r.family ?? '', a: r, b: byTask.get(task(r))! }));
}

/** The pairs' successes, as `pairedComparison` takes them. */
export function successPairs(pairs: readonly TaskPair[]): SuccessPair[] {
  return pairs.map((p) => [p.a.success === true, p.b.success === true]);
}
