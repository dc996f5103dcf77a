import { WorkgymError, type EnvClient } from '@workgym/protocol';
import type { EnvInstance, EnvRuntime, EnvServerSpec } from '../runtime.js';

export class PoolClosedError extends WorkgymError {
  constructor() {
    super('WORKGYM_POOL_CLOSED', 'the env pool is closed');
  }
}

/** The env's servers failed to start `attempts` times in a row: the env itself is broken. */
export class InstanceStartError extends WorkgymError {
  constructor(env: string, attempts: number, cause: unknown) {
    super('WORKGYM_INSTANCE_START', `could not start the ${env} env server (${attempts} attempts in a row failed): ${(cause as Error).message}`, { cause });
  }
}

export interface EnvPoolOptions {
  runtime: EnvRuntime;
  spec: EnvServerSpec;
  /** Instances kept warm (default 1); `lanes` replaces it. */
  size?: number;
  /**
   * Sessions the pool's users hold at once: the pool keeps just enough instances for them,
   * ceil(lanes / sessions per instance), packing sessions instead of spreading them over idle
   * containers. Until the first server answers, `sessionsPerInstance` (or 1) is the guess.
   */
  lanes?: number;
  /** Sessions leased on one instance at once, never more than the server's max_sessions (default: its max_sessions). */
  sessionsPerInstance?: number;
  /** An instance is replaced after serving this many leases, to bound slow leaks (default: never). */
  maxLeasesPerInstance?: number;
  /**
   * An instance idle this long is pinged before it is leased again, and by a background check
   * that runs this often (at least every second); one that does not answer is replaced (default 30 s).
   */
  healthCheckAfterMs?: number;
  /** Deadline for calls that pass none (ms). */
  callDeadlineMs?: number;
  /** Failed starts in a row (each retried after a backoff) before create and acquire give up (default 3). */
  maxStartAttempts?: number;
  log?: (line: string) => void;
}

export interface Lease extends AsyncDisposable {
  readonly client: EnvClient;
  readonly instance: EnvInstance;
  /** Gives the slot back; with `fault`, the instance misbehaved and is replaced. */
  release(options?: { fault?: boolean }): Promise<void>;
}

export interface PoolStats {
  instances: number;
  leased: number;
  waiting: number;
  started: number;
  replaced: number;
}

interface Slot {
  instance: EnvInstance;
  capacity: number;
  leased: number;
  served: number;
  /** When the instance last proved healthy: a lease ended or a ping passed. */
  lastGood: number;
  retired: boolean;
  /** A health check is pinging it: no one may lease it until the check passes. */
  checking: boolean;
}

interface Waiter {
  /** When its acquire() was called: waiters are served in that order. */
  ticket: number;
  resolve(lease: Lease): void;
  reject(error: Error): void;
}

/**
 * Keeps warm env servers of one env and leases session slots on them. Crashed, hung or faulty
 * instances are replaced, and a failed start is retried after a backoff (at warm-up as later);
 * close() (or a signal, through the runtime) leaves nothing running.
 */
export class EnvPool implements AsyncDisposable {
  private readonly slots: Slot[] = [];
  private readonly waiters: Waiter[] = [];
  /** Retired instances still shutting down: close() waits for them too. */
  private readonly retiring = new Set<Promise<void>>();
  private readonly options: Required<Omit<EnvPoolOptions, 'lanes' | 'sessionsPerInstance' | 'maxLeasesPerInstance' | 'callDeadlineMs'>> & EnvPoolOptions;
  private starting = 0;
  /** Sessions one instance serves, from the first server that answered hello. */
  private capacity: number | undefined;
  private tickets = 0;
  private startFailures = 0;
  // Not unref()ed: while a start is pending a caller may be waiting on it, and nothing else
  // need keep the process alive (a rollout whose instances all died would exit silently).
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly healthTimer: NodeJS.Timeout;
  private sweeping = false;
  private warming: { resolve(): void; reject(error: Error): void } | undefined;
  private closed = false;
  private counters = { started: 0, replaced: 0 };

  private constructor(options: EnvPoolOptions) {
    this.options = {
      ...options,
      size: options.size ?? 1,
      healthCheckAfterMs: options.healthCheckAfterMs ?? 30_000,
      maxStartAttempts: options.maxStartAttempts ?? 3,
      log: options.log ?? (() => undefined),
    };
    this.healthTimer = setInterval(() => void this.sweep(), Math.max(1_000, this.options.healthCheckAfterMs));
    this.healthTimer.unref();
  }

  /**
   * Starts the pool and waits until its instances answer. A start that fails is retried like a
   * later replacement; only `maxStartAttempts` failures in a row fail it (InstanceStartError).
   */
  static async create(options: EnvPoolOptions): Promise<EnvPool> {
    const pool = new EnvPool(options);
    try {
      await new Promise<void>((resolve, reject) => {
        pool.warming = { resolve, reject };
        pool.refill();
      });
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get stats(): PoolStats {
    return {
      instances: this.slots.length,
      leased: this.slots.reduce((n, s) => n + s.leased, 0),
      waiting: this.waiters.length,
      ...this.counters,
    };
  }

  /** Leases one session slot; waits while every slot is busy. */
  async acquire(signal?: AbortSignal): Promise<Lease> {
    if (this.closed) throw new PoolClosedError();
    signal?.throwIfAborted();
    const ticket = this.tickets++;
    // Another acquire may have taken the slot while freeSlot() was settling: check it again.
    for (let slot = await this.freeSlot(); slot; slot = await this.freeSlot()) {
      // An earlier acquire may have queued while this one's health check held the slot: it goes first.
      this.handOver(slot, ticket);
      if (this.leasable(slot) && this.leastLoaded(slot)) return this.lease(slot);
    }
    signal?.throwIfAborted();
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
        ticket,
        resolve: (lease) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // An acquire whose health check failed queues late; it keeps its place (its turn came first).
      const behind = this.waiters.findIndex((other) => other.ticket > ticket);
      this.waiters.splice(behind < 0 ? this.waiters.length : behind, 0, waiter);
      this.refill();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.healthTimer);
    this.warming?.reject(new PoolClosedError());
    for (const waiter of this.waiters.splice(0)) waiter.reject(new PoolClosedError());
    await Promise.allSettled([...this.slots.splice(0).map((slot) => slot.instance.close()), ...this.retiring]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The least-loaded leasable instance (ties: the oldest), so that concurrent lanes spread over the containers' CPU. */
  private async freeSlot(): Promise<Slot | undefined> {
    // A stable sort keeps start order, which is age order, among equally loaded slots.
    for (const slot of [...this.slots].sort((a, b) => a.leased - b.leased)) {
      if (!this.leasable(slot)) continue;
      if (!slot.instance.alive || slot.instance.client.error) {
        this.retire(slot, 'it died');
        continue;
      }
      if (slot.leased === 0 && Date.now() - slot.lastGood > this.options.healthCheckAfterMs && !(await this.healthy(slot))) {
        this.retire(slot, 'it failed a health check');
        continue;
      }
      return slot;
    }
    return undefined;
  }

  /** Pings an instance, holding its slot meanwhile so that no one leases it (not even a free session of it). */
  private async healthy(slot: Slot): Promise<boolean> {
    slot.checking = true;
    const answered = await slot.instance.client.hello({ deadlineMs: 5_000 }).then(
      () => true,
      () => false,
    );
    slot.checking = false;
    if (answered) slot.lastGood = Date.now();
    return answered;
  }

  /** Replaces idle instances that no longer answer (a paused container, a hung server). */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.closed) return;
    this.sweeping = true;
    try {
      const idle = this.slots.filter((s) => !s.retired && !s.checking && s.leased === 0 && Date.now() - s.lastGood > this.options.healthCheckAfterMs);
      await Promise.all(
        idle.map(async (slot) => {
          if (await this.healthy(slot)) this.handOver(slot);
          else this.retire(slot, 'it failed a health check');
        }),
      );
    } finally {
      this.sweeping = false;
    }
  }

  private lease(slot: Slot): Lease {
    slot.leased += 1;
    slot.served += 1;
    let released = false;
    const release = async (options: { fault?: boolean } = {}) => {
      if (released) return;
      released = true;
      slot.leased -= 1;
      slot.lastGood = Date.now();
      const worn = this.options.maxLeasesPerInstance !== undefined && slot.served >= this.options.maxLeasesPerInstance;
      if (options.fault) this.retire(slot, 'its lease reported a fault');
      else if (worn && slot.leased === 0) this.retire(slot, `it served ${slot.served} leases`);
      else this.handOver(slot);
    };
    return { client: slot.instance.client, instance: slot.instance, release, [Symbol.asyncDispose]: () => release() };
  }

  /** No other leasable instance holds fewer sessions (others may have leased while a pick settled). */
  private leastLoaded(slot: Slot): boolean {
    return this.slots.every((other) => other.leased >= slot.leased || !this.leasable(other));
  }

  private leasable(slot: Slot): boolean {
    return !slot.retired && !slot.checking && slot.leased < slot.capacity;
  }

  /** Leases the slot's free sessions to the waiters, in ticket order (only those before `beforeTicket`). */
  private handOver(slot: Slot, beforeTicket = Infinity): void {
    while (this.waiters.length > 0 && this.waiters[0]!.ticket < beforeTicket && this.leasable(slot) && slot.instance.alive) {
      this.waiters.shift()!.resolve(this.lease(slot));
    }
  }

  private retire(slot: Slot, reason: string): void {
    if (slot.retired || this.closed) return;
    slot.retired = true;
    this.options.log(`replacing ${this.options.spec.name} instance ${slot.instance.id.slice(0, 12)}: ${reason}`);
    this.counters.replaced += 1;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const closing: Promise<void> = slot.instance
      .close()
      .catch(() => undefined)
      .finally(() => this.retiring.delete(closing));
    this.retiring.add(closing);
    this.refill();
  }

  /** Starts the instances the pool lacks, unless a retry after a failed start is pending. */
  private refill(): void {
    if (this.closed || this.retryTimer) return;
    const missing = this.size() - this.slots.length - this.starting;
    for (let i = 0; i < missing; i++) {
      // Once a server has said how many sessions it serves, the lanes may need more instances than guessed.
      this.startInstance().then(
        () => this.refill(),
        (error: unknown) => this.startFailed(error),
      );
    }
  }

  /** Instances to keep: `size`, or as many as `lanes` need. */
  private size(): number {
    const { lanes, size, sessionsPerInstance } = this.options;
    if (lanes === undefined) return size;
    return Math.max(1, Math.ceil(lanes / (this.capacity ?? sessionsPerInstance ?? 1)));
  }

  private startFailed(error: unknown): void {
    if (this.closed) return;
    this.startFailures += 1;
    const attempts = `${this.startFailures} of ${this.options.maxStartAttempts} in a row`;
    this.options.log(`could not start a ${this.options.spec.name} instance (${attempts}): ${(error as Error).message}`);
    if (this.startFailures >= this.options.maxStartAttempts) {
      const failure = new InstanceStartError(this.options.spec.name, this.startFailures, error);
      this.startFailures = 0;
      this.warming?.reject(failure);
      this.warming = undefined;
      for (const waiter of this.waiters.splice(0)) waiter.reject(failure);
      return;
    }
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.refill();
      },
      200 * 2 ** this.startFailures,
    );
  }

  private async startInstance(): Promise<void> {
    this.starting += 1;
    let instance: EnvInstance | undefined;
    try {
      instance = await this.options.runtime.start(this.options.spec, { callDeadlineMs: this.options.callDeadlineMs });
      const hello = await instance.client.hello({ deadlineMs: 30_000 });
      if (this.closed) throw new PoolClosedError();
      const served = Math.max(1, hello.maxSessions);
      this.capacity = Math.min(this.options.sessionsPerInstance ?? served, served);
      const slot: Slot = {
        instance,
        capacity: this.capacity,
        leased: 0,
        served: 0,
        lastGood: Date.now(),
        retired: false,
        checking: false,
      };
      this.slots.push(slot);
      this.counters.started += 1;
      this.startFailures = 0;
      void instance.exited.then(() => this.retire(slot, 'it exited'));
      if (this.warming && this.slots.length >= this.size()) {
        this.warming.resolve();
        this.warming = undefined;
      }
      this.handOver(slot);
    } catch (error) {
      await instance?.close();
      throw error;
    } finally {
      this.starting -= 1;
    }
  }
}
