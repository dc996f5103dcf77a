import type { EpisodeRecord } from '@workgym/trajectories';
import { RolloutStats } from '../rollout/rollout-stats.js';

export interface WorkerProgress {
  workerId: string;
  /** Episodes of this session the worker played and the coordinator wrote. */
  done: number;
  success: number;
  /** Its episodes retried after an infrastructure fault. */
  retries: number;
  /** When its first written episode started (by the coordinator's clock) and its last was written. */
  firstStartMs?: number;
  lastEndMs?: number;
}

/** An episode whose job failed for good: it is not in the run, and a resume tries it again. */
export interface FailedEpisode {
  episodeId: string;
  env: string;
  /** Why, one line: the worker's (a job it could not serve) or BullMQ's (a job that stalled too often). */
  reason: string;
}

/** The run's stats (per env, as an in-process rollout's) and, per worker, what each delivered. */
export class QueueStats extends RolloutStats {
  readonly byWorker = new Map<string, WorkerProgress>();
  readonly failed: FailedEpisode[] = [];
  /** Workers listening to each env's queue when last looked at (undefined: Redis would not say). */
  readonly listening = new Map<string, number | undefined>();
  /** Results that arrived for an episode already written (a job run twice after a stall), not written again. */
  duplicates = 0;

  recordFrom(workerId: string, record: EpisodeRecord): void {
    const wallMs = Number(record.timings?.totalMs ?? 0);
    this.record(record, wallMs);
    let w = this.byWorker.get(workerId);
    if (!w) this.byWorker.set(workerId, (w = { workerId, done: 0, success: 0, retries: 0 }));
    const end = Date.now();
    w.done += 1;
    if (record.success) w.success += 1;
    w.retries += (record.attempts ?? 1) - 1;
    w.firstStartMs = Math.min(w.firstStartMs ?? Infinity, end - wallMs);
    w.lastEndMs = end;
  }

  /** A worker's episodes per minute, over the time its episodes ran (its first started to its last written). */
  workerRate(workerId: string): number {
    const w = this.byWorker.get(workerId);
    if (w?.firstStartMs === undefined || w.lastEndMs === undefined) return 0;
    return w.done / Math.max(1e-9, (w.lastEndMs - w.firstStartMs) / 60_000);
  }

  get workers(): WorkerProgress[] {
    return [...this.byWorker.values()];
  }
}
