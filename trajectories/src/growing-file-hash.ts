import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Bytes a worker is handed at a time: sealing then waits for at most this much hashing
 * (~0.6 ms). A file that never grows past it is hashed when sealed, without the worker
 * (whose start costs ~45 ms on its own thread, more than hashing 1 MiB here).
 */
const HASH_STEP_BYTES = 1 << 20;
/** How long sealing waits for the worker before hashing on this thread instead. */
const WORKER_TIMEOUT_MS = 30_000;

const PENDING = 0;
const DONE = 1;
const FAILED = 2;

/**
 * The worker: one job per file, each a sha256 fed by reading the file (its own descriptor,
 * so closing the writer's never races with a read) up to where it was told the file is
 * written. CommonJS source, so it runs the same from the TypeScript sources and from dist.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const jobs = new Map();
const chunk = Buffer.allocUnsafe(${HASH_STEP_BYTES});
function end(id, job, outcome) {
  jobs.delete(id);
  try { closeSync(job.fd); } catch {}
  if (outcome === ${DONE}) job.digest.set(job.hash.digest());
  Atomics.store(job.state, 0, outcome);
  Atomics.notify(job.state, 0);
}
parentPort.on('message', (m) => {
  if (m.path !== undefined) {
    const job = { state: new Int32Array(m.shared, 0, 1), digest: new Uint8Array(m.shared, 4, 32), hash: createHash('sha256'), at: 0, fd: -1 };
    try {
      job.fd = openSync(m.path, 'r');
      jobs.set(m.id, job);
    } catch {
      Atomics.store(job.state, 0, ${FAILED});
      Atomics.notify(job.state, 0);
    }
    return;
  }
  const job = jobs.get(m.id);
  if (!job) return;
  if (m.cancel) return end(m.id, job, ${FAILED});
  try {
    while (job.at < m.to) {
      const n = readSync(job.fd, chunk, 0, Math.min(chunk.length, m.to - job.at), job.at);
      if (n === 0) throw new Error('file ended early');
      job.hash.update(chunk.subarray(0, n));
      job.at += n;
    }
    if (m.last) end(m.id, job, ${DONE});
  } catch {
    end(m.id, job, ${FAILED});
  }
});
`;

interface HashWorker {
  worker: Worker;
  alive: boolean;
}

let shared: HashWorker | undefined;

/** The process's hashing worker, started on first use; undefined when none can run. */
function hashWorker(): HashWorker | undefined {
  if (shared?.alive) return shared;
  try {
    // No inherited flags: a loader the process was started with (tsx) would load into it too.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    const entry: HashWorker = { worker, alive: true };
    const dead = () => {
      entry.alive = false;
      if (shared === entry) shared = undefined;
    };
    worker.on('error', dead);
    worker.on('exit', dead);
    // Idle, it must not keep the process alive.
    worker.unref();
    shared = entry;
    return entry;
  } catch {
    return undefined;
  }
}

/**
 * The sha256 of a file that only grows (an open shard), computed on a worker thread while
 * it is written, so that sealing the file waits only for its last step instead of hashing
 * it all on the thread that appends (20 MB: ~12 ms that every append behind it waited for).
 * When the worker is missing, fails or stalls, `finish` hashes the file on this thread:
 * the digest is the same either way.
 */
export class GrowingFileHash {
  private static nextId = 0;
  private readonly id = GrowingFileHash.nextId++;
  private readonly state = new Int32Array(new SharedArrayBuffer(36), 0, 1);
  /** Taken when the file first passes one step: a smaller one is hashed at once by finish(). */
  private worker: HashWorker | undefined;
  private posted = 0;
  /** Set by finish(): whether the worker gave the digest (else it was hashed on this thread). */
  byWorker = false;

  constructor(private readonly path: string) {}

  /** The file holds its final bytes up to `written`: hash them in the background. */
  advance(written: number): void {
    if (written - this.posted < HASH_STEP_BYTES) return;
    if (!this.worker) {
      this.worker = hashWorker();
      this.worker?.worker.postMessage({ id: this.id, path: this.path, shared: this.state.buffer });
    }
    this.post(written, false);
  }

  /**
   * The hex sha256 of the file's first `size` bytes (the whole file). Blocks until the worker
   * is done, which is at most one step behind; `fd` is read on this thread when there is no
   * worker (a file under one step) or it failed.
   */
  finish(size: number, fd: number): string {
    if (this.worker?.alive) {
      this.post(size, true);
      if (Atomics.wait(this.state, 0, PENDING, WORKER_TIMEOUT_MS) !== 'timed-out' && this.state[0] === DONE) {
        this.byWorker = true;
        return Buffer.from(this.state.buffer, 4, 32).toString('hex');
      }
    }
    return hashFile(fd, size);
  }

  /** The file will not be sealed (the writer closed): the worker lets go of it. */
  cancel(): void {
    if (this.worker?.alive) this.worker.worker.postMessage({ id: this.id, cancel: true });
  }

  private post(to: number, last: boolean): void {
    this.posted = to;
    if (this.worker?.alive) this.worker.worker.postMessage({ id: this.id, to, last });
  }
}

/** The hex sha256 of the first `size` bytes of the file open as `fd`, read on this thread. */
export function hashFile(fd: number, size: number): string {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(size, 8 << 20)));
  for (let at = 0; at < size; ) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - at), at);
    if (n === 0) break;
    hash.update(chunk.subarray(0, n));
    at += n;
  }
  return hash.digest('hex');
}
