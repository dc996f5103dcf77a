import type { WorkItem } from './work-item.js';

/**
 * Where the runner's workers take episodes from. The runner uses nothing else, so a queue shared
 * by several machines can replace the in-process one without touching it.
 */
export interface WorkQueue {
  /** The next episode for `env`, or undefined when that env has none left. */
  take(env: string, signal?: AbortSignal): Promise<WorkItem | undefined>;
  /** The episode is recorded (or given up after its retries). */
  complete(item: WorkItem): Promise<void>;
  /** Episodes not yet completed, per env. */
  remaining(): Promise<Record<string, number>>;
}

/** The in-process queue: a list per env, taken in order. */
export class MemoryWorkQueue implements WorkQueue {
  private readonly pending = new Map<string, WorkItem[]>();
  private readonly open = new Map<string, number>();

  constructor(items: readonly WorkItem[]) {
    for (const item of items) {
      if (!this.pending.has(item.env)) this.pending.set(item.env, []);
      this.pending.get(item.env)!.push(item);
      this.open.set(item.env, (this.open.get(item.env) ?? 0) + 1);
    }
  }

  async take(env: string): Promise<WorkItem | undefined> {
    return this.pending.get(env)?.shift();
  }

  async complete(item: WorkItem): Promise<void> {
    this.open.set(item.env, (this.open.get(item.env) ?? 1) - 1);
  }

  async remaining(): Promise<Record<string, number>> {
    return Object.fromEntries(this.open);
  }
}
