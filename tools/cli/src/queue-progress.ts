import type { FailedEpisode, QueueStats } from '@workgym/agents/distributed';
import { formatTable } from './format.js';

// What a coordinator (rollout --queue) shows: per env and per worker, a line each every few
// seconds (workers come and go, so no fixed set of bars), and every failed job's reason as soon
// as it fails (failedLine). At the end, a table per worker under the usual per-env table.

const percent = (part: number, whole: number, digits = 0) => (whole ? `${((100 * part) / whole).toFixed(digits)}%` : '-');

/** Prints the live stats every `everyMs` until stopped, and once more then. */
export function queueProgressView(stats: QueueStats, stream: NodeJS.WritableStream = process.stderr, everyMs = 10_000): { stop(): void } {
  const print = (s: QueueStats) => {
    for (const e of s.envs) {
      const recorded = Object.values(e.statuses).reduce((a, b) => a + b, 0);
      const listening = s.listening.get(e.env);
      stream.write(
        `[rollout] ${e.env}: ${e.done}/${e.total} done, success ${percent(e.success, recorded)}, ${s.rate(e.env).toFixed(1)} ep/min, retries ${e.retries}` +
          `${listening === undefined ? '' : `, ${listening} worker(s) listening`}\n`,
      );
    }
    for (const w of s.workers) {
      stream.write(
        `[rollout] worker ${w.workerId}: ${w.done} done, success ${percent(w.success, w.done)}, ${s.workerRate(w.workerId).toFixed(1)} ep/min, retries ${w.retries}\n`,
      );
    }
  };
  const timer = setInterval(() => print(stats), everyMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      print(stats);
    },
  };
}

export function failedLine(failed: FailedEpisode): string {
  return `[rollout] ${failed.episodeId} failed: ${failed.reason}`;
}

/** The end-of-run table per worker: this session's episodes each delivered, its success rate, pace and retries; then the failed episodes. */
export function workerSummary(stats: QueueStats): string {
  const rows = stats.workers.map((w) => [
    w.workerId,
    String(w.done),
    percent(w.success, w.done, 1),
    stats.workerRate(w.workerId).toFixed(1),
    String(w.retries),
  ]);
  const table =
    rows.length > 0 ? formatTable([['worker', 'episodes', 'success', 'ep/min', 'retries'], ...rows]) : 'no worker delivered an episode in this session';
  const failed = stats.failed.length
    ? `\n${stats.failed.length} episode(s) failed and are not in the run (a --resume queues them again):\n${stats.failed.map((f) => `  ${f.episodeId}: ${f.reason}`).join('\n')}`
    : '';
  return `${table}${failed}${stats.duplicates ? `\n${stats.duplicates} result(s) arrived twice (a job run again after a stall) and were written once` : ''}`;
}
