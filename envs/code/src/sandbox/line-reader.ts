/**
 * Splits a byte stream into lines handed out one at a time. A line longer than `maxBytes` is
 * dropped whole (a hostile writer cannot make it hold more), and lines nobody asked for yet wait
 * in a queue of at most `maxQueued` (older ones are dropped first).
 */
export class LineReader {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private overlong = false;
  private readonly queue: string[] = [];
  private waiter: ((line: string | undefined) => void) | undefined;
  private ended = false;

  constructor(
    private readonly maxBytes: number,
    private readonly maxQueued = 64,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.append(chunk.subarray(start, nl));
      if (!this.overlong) this.deliver(Buffer.concat(this.partial).toString('utf8'));
      this.partial = [];
      this.partialBytes = 0;
      this.overlong = false;
      start = nl + 1;
    }
    this.append(chunk.subarray(start));
  }

  end(): void {
    this.ended = true;
    this.waiter?.(undefined);
    this.waiter = undefined;
  }

  /** The next line; undefined once the stream has ended or after `timeoutMs` without one. */
  next(timeoutMs: number): Promise<string | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiter = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });
  }

  private append(bytes: Buffer): void {
    if (this.overlong || bytes.length === 0) return;
    this.partialBytes += bytes.length;
    if (this.partialBytes > this.maxBytes) {
      this.overlong = true;
      this.partial = [];
      return;
    }
    this.partial.push(bytes);
  }

  private deliver(line: string): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter(line);
      return;
    }
    this.queue.push(line);
    if (this.queue.length > this.maxQueued) this.queue.shift();
  }
}
