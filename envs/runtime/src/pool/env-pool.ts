import { WorkgymError, type EnvClient } from '@workgym/protocol';
import type { EnvInstance, EnvRuntime, EnvServerSpec } from '../runtime.js';

export class PoolClosedError extends WorkgymError {
  constructor() {
    super('WORKGYM_POOL_CLOSED', 'the env pool is closed');
  }
}

export class InstanceStartError extends WorkgymError {
  constructor(env: string, attempts: number, cause: unknown) {
    super('WORKGYM_INSTANCE_START', `could not start an ${env} server after ${attempts} attempts: ${(cause as Error).message}`, { cause });
  }
}

export interface EnvPoolOptions {
  runtime: EnvRuntime;
  spec: EnvServerSpec;
  /** Instances kept warm (default 1). */
  size?: number;
  /** Sessions leased on one instance at once (default: the server's max_sessions). */
  sessionsPerInstance?: number;
  /** An instance is replaced after serving this many leases, to bound slow leaks (default: never). */
  maxLeasesPerInstance?: number;
  /** An idle instance is pinged before it is leased again after this long (default 30 s). */
  healthCheckAfterMs?: number;
  /** Deadline for calls that pass none (ms). */
  callDeadlineMs?: number;
  /** Failed starts in a row before acquire gives up (default 3). */
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
  lastUsed: number;
  retired: boolean;
}

interface Waiter {
  resolve(lease: Lease): void;
  reject(error: Error): void;
}

/**
 * Keeps warm env servers of one env and leases session slots on them. Crashed or faulty
 * instances are replaced; close() (or a signal, through the runtime) leaves nothing running.
 */
export class EnvPool implements AsyncDisposable {
  private readonly slots: Slot[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly options: Required<Omit<EnvPoolOptions, 'sessionsPerInstance' | 'maxLeasesPerInstance' | 'callDeadlineMs'>> &
    EnvPoolOptions;
  private starting = 0;
  private startFailures = 0;
  private lastStartError: unknown;
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
  }

  /** Starts the pool and waits until its instances answer. */
  static async create(options: EnvPoolOptions): Promise<EnvPool> {
    const pool = new EnvPool(options);
    try {
      await Promise.all(Array.from({ length: pool.options.size }, () => pool.startInstance()));
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
    // Another acquire may have taken the slot while freeSlot() was settling: check it again.
    for (let slot = await this.freeSlot(); slot; slot = await this.freeSlot()) {
      if (!slot.retired && slot.leased < slot.capacity) return this.lease(slot);
    }
    signal?.throwIfAborted();
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
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
      this.waiters.push(waiter);
      this.refill();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new PoolClosedError());
    await Promise.allSettled(this.slots.splice(0).map((slot) => slot.instance.close()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async freeSlot(): Promise<Slot | undefined> {
    for (const slot of this.slots) {
      if (slot.retired || slot.leased >= slot.capacity) continue;
      if (!slot.instance.alive || slot.instance.client.error) {
        this.retire(slot, 'it died');
        continue;
      }
      if (slot.leased === 0 && Date.now() - slot.lastUsed > this.options.healthCheckAfterMs) {
        slot.leased += 1; // hold it while it is pinged
        const healthy = await slot.instance.client.hello({ deadlineMs: 5_000 }).then(() => true, () => false);
        slot.leased -= 1;
        if (!healthy) {
          this.retire(slot, 'it failed a health check');
          continue;
        }
      }
      return slot;
    }
    return undefined;
  }

  private lease(slot: Slot): Lease {
    slot.leased += 1;
    slot.served += 1;
    let released = false;
    const release = async (options: { fault?: boolean } = {}) => {
      if (released) return;
      released = true;
      slot.leased -= 1;
      slot.lastUsed = Date.now();
      const worn = this.options.maxLeasesPerInstance !== undefined && slot.served >= this.options.maxLeasesPerInstance;
      if (options.fault) this.retire(slot, 'its lease reported a fault');
      else if (worn && slot.leased === 0) this.retire(slot, `it served ${slot.served} leases`);
      else this.handOver(slot);
    };
    return { client: slot.instance.client, instance: slot.instance, release, [Symbol.asyncDispose]: () => release() };
  }

  private handOver(slot: Slot): void {
    while (this.waiters.length > 0 && !slot.retired && slot.leased < slot.capacity && slot.instance.alive) {
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
    void slot.instance.close();
    this.refill();
  }

  private refill(): void {
    if (this.closed) return;
    const missing = this.options.size - this.slots.length - this.starting;
    for (let i = 0; i < missing; i++) {
      this.startInstance().catch((error: unknown) => this.startFailed(error));
    }
  }

  private startFailed(error: unknown): void {
    this.startFailures += 1;
    this.lastStartError = error;
    if (this.startFailures >= this.options.maxStartAttempts) {
      const failure = new InstanceStartError(this.options.spec.name, this.startFailures, this.lastStartError);
      for (const waiter of this.waiters.splice(0)) waiter.reject(failure);
      this.startFailures = 0;
      return;
    }
    setTimeout(() => this.refill(), 200 * 2 ** this.startFailures).unref();
  }

  private async startInstance(): Promise<void> {
    this.starting += 1;
    let instance: EnvInstance | undefined;
    try {
      instance = await this.options.runtime.start(this.options.spec, { callDeadlineMs: this.options.callDeadlineMs });
      const hello = await instance.client.hello({ deadlineMs: 30_000 });
      if (this.closed) throw new PoolClosedError();
      const slot: Slot = {
        instance,
        capacity: this.options.sessionsPerInstance ?? Math.max(1, hello.maxSessions),
        leased: 0,
        served: 0,
        lastUsed: Date.now(),
        retired: false,
      };
      this.slots.push(slot);
      this.counters.started += 1;
      this.startFailures = 0;
      void instance.exited.then(() => this.retire(slot, 'it exited'));
      this.handOver(slot);
    } catch (error) {
      await instance?.close();
      throw error;
    } finally {
      this.starting -= 1;
    }
  }
}
