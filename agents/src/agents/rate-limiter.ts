/** At most `concurrency` calls at once and at most `perMinute` started per minute. */
export class RateLimiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private nextStart = 0;

  constructor(
    private readonly concurrency: number,
    private readonly perMinute = Infinity,
  ) {}

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.enter(signal);
    try {
      await this.pace(signal);
      return await work();
    } finally {
      this.active -= 1;
      this.queue.shift()?.();
    }
  }

  private enter(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.concurrency) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        this.active += 1;
        resolve();
      };
      const onAbort = () => {
        this.queue.splice(this.queue.indexOf(go), 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(go);
    });
  }

  private async pace(signal?: AbortSignal): Promise<void> {
    if (!Number.isFinite(this.perMinute)) return;
    const now = Date.now();
    const at = Math.max(now, this.nextStart);
    this.nextStart = at + 60_000 / this.perMinute;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    signal?.throwIfAborted();
  }
}
