import { taskId, type EpisodeRecord } from '@workgym/trajectories';
import { TrainerInputError } from '../errors.js';
import type { SuccessPair } from '../stats/paired.js';

/** One task's episode in each of two runs. */
export interface TaskPair {
  /** The task both episodes ran: `code/py-fix-bug#3 (test)` (env, family, seed, split). */
  task: string;
  family: string;
  a: EpisodeRecord;
  b: EpisodeRecord;
}

/** Tasks one run holds and the other does not: how many, and the first few by name. */
export interface Unmatched {
  tasks: number;
  first: string[];
}

export interface TaskPairing {
  /** In A's order of tasks; a task's k-th episode in A with its k-th in B. */
  pairs: TaskPair[];
  onlyInA: Unmatched;
  onlyInB: Unmatched;
  /** Episodes of a task both runs hold, beyond the other run's number of episodes of that task. */
  unpairedEpisodes: number;
}

export interface PairOptions {
  /**
   * What to do with tasks (or a task's extra episodes) in one run only: `refuse` (the default)
   * throws a TrainerInputError naming them; `list` leaves them out and counts them.
   */
  unmatched?: 'refuse' | 'list';
}

const FIRST = 5;

/** The task an episode ran, whatever agent, attempt or run ran it: env, family, seed and split. */
export function taskKey(record: EpisodeRecord): string {
  return `${taskId(record)} (${record.split || 'no split'})`;
}

/**
 * Pairs two runs of the same tasks by task (env, family, split, seed). A task run several times (a
 * group) pairs its k-th episode in A with its k-th in B, in episode-id order. Refusing is the
 * default: a comparison over the tasks that happened to finish in both is no longer over the
 * tasks it claims; `unmatched: 'list'` keeps the common ones and says what was left out.
 */
export function pairByTask(a: readonly EpisodeRecord[], b: readonly EpisodeRecord[], options: PairOptions = {}): TaskPairing {
  const [tasksA, tasksB] = [byTask(a), byTask(b)];
  const pairs: TaskPair[] = [];
  const uneven: string[] = [];
  let unpairedEpisodes = 0;
  for (const [task, episodesA] of tasksA) {
    const episodesB = tasksB.get(task);
    if (!episodesB) continue;
    const n = Math.min(episodesA.length, episodesB.length);
    for (let k = 0; k < n; k++) pairs.push({ task, family: episodesA[k]!.family ?? '', a: episodesA[k]!, b: episodesB[k]! });
    if (episodesA.length !== episodesB.length) uneven.push(`${task} (${episodesA.length} in A, ${episodesB.length} in B)`);
    unpairedEpisodes += episodesA.length + episodesB.length - 2 * n;
  }
  const pairing = { pairs, onlyInA: unmatched(tasksA, tasksB), onlyInB: unmatched(tasksB, tasksA), unpairedEpisodes };
  if (options.unmatched !== 'list') refuseUnmatched(pairing, uneven);
  return pairing;
}

/** The pairs' successes, as `pairedComparison` takes them: only a verified success counts. */
export function successPairs(pairs: readonly TaskPair[]): SuccessPair[] {
  return pairs.map((p) => [p.a.success === true, p.b.success === true]);
}

/** The episodes of each task, in episode-id order (numeric parts by value: sample 10 after 9). */
function byTask(records: readonly EpisodeRecord[]): Map<string, EpisodeRecord[]> {
  const tasks = new Map<string, EpisodeRecord[]>();
  for (const r of records) {
    const episodes = tasks.get(taskKey(r));
    if (episodes) episodes.push(r);
    else tasks.set(taskKey(r), [r]);
  }
  const order = (x: EpisodeRecord, y: EpisodeRecord) => (x.episodeId ?? '').localeCompare(y.episodeId ?? '', 'en', { numeric: true });
  for (const episodes of tasks.values()) episodes.sort(order);
  return tasks;
}

function unmatched(these: Map<string, EpisodeRecord[]>, others: Map<string, EpisodeRecord[]>): Unmatched {
  const only = [...these.keys()].filter((task) => !others.has(task));
  return { tasks: only.length, first: only.slice(0, FIRST) };
}

function refuseUnmatched(pairing: TaskPairing, uneven: readonly string[]): void {
  const list = (first: readonly string[], total: number) => `${first.slice(0, 3).join(', ')}${total > 3 ? ` and ${total - 3} more` : ''}`;
  const problems = [
    pairing.onlyInA.tasks ? `only A has ${list(pairing.onlyInA.first, pairing.onlyInA.tasks)}` : '',
    pairing.onlyInB.tasks ? `only B has ${list(pairing.onlyInB.first, pairing.onlyInB.tasks)}` : '',
    uneven.length ? `episodes per task differ for ${list(uneven, uneven.length)}` : '',
  ].filter(Boolean);
  if (problems.length) throw new TrainerInputError(`the two runs do not hold the same tasks: ${problems.join('; ')}`);
}
