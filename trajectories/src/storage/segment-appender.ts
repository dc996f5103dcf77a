import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { closeSync, fsync, fsyncSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirSync } from './atomic-file.js';
import { BackgroundSync } from './background-sync.js';
import { frameHeader } from './frame.js';
import type { ShardEntry } from './run-files.js';
import { createSegmentSync } from './segment-file.js';
import { MAX_WRITE_BUFFERS, writeAllAt } from './write-at.js';
import { namingFile } from './write-failure.js';

interface Active {
  name: string;
  fd: number;
  bytes: number;
  frames: number;
  /** The segment's digest: the preamble, then the chosen parts of each frame as it is written. */
  digest: Hash;
  sync: BackgroundSync;
}

export interface Placement {
  segment: string;
  offset: number;
  length: number;
}

/** A frame waiting for its write; `landed` runs (in file order) once write(2) returned. */
interface Queued {
  buffers: Uint8Array[];
  length: number;
  /** Parts of the frame that go into the segment's digest; fed in file order. */
  digest: Uint8Array[];
  /** Written only once this settled: a blob the frame refers to is still being written. */
  after: Promise<unknown> | undefined;
  landed: (at: Placement) => void;
  failed: (error: unknown) => void;
}

export interface SegmentOptions {
  /** Called after a segment was sealed to start the next one (the caller persists the table). */
  onRotate?: () => void;
  /**
   * Picks what of each frame goes into the segment's digest, after the preamble. Without it
   * the digest is the sha256 of the whole file: each frame is hashed as it is written, so
   * sealing waits for no hashing. (A worker thread that hashed the file as it grew did not
   * make durable writes 1.3x faster: see docs/trajectories.md.)
   */
  frameDigest?: (header: Buffer, parts: Uint8Array[]) => Uint8Array[];
}

/**
 * Appends frames to numbered segment files in one folder, sealing a segment (fsync, digest
 * into its table entry) and starting the next when it would pass `maxBytes`.
 *
 * Group commit: frames appended during one event-loop turn are written together, by one
 * writev(2) at the end of the turn (setImmediate). Each append's promise settles only once its
 * own bytes were written, so a process crash still loses nothing acknowledged, while many
 * concurrent appenders pay one system call per batch instead of one each.
 */
export class SegmentAppender {
  private active: Active | undefined;
  private next: number;
  private readonly queue: Queued[] = [];
  private writing = false;
  private readonly idle: (() => void)[] = [];
  /** write calls made (each one batch of frames): how well appends were coalesced. */
  writes = 0;

  constructor(
    private readonly folder: string,
    private readonly extension: string,
    private readonly preamble: Buffer,
    readonly entries: ShardEntry[],
    private readonly maxBytes: number,
    private readonly options: SegmentOptions = {},
  ) {
    this.next = entries.reduce((n, s) => Math.max(n, Number.parseInt(s.name, 10) + 1), 0);
  }

  /**
   * Queues one frame whose payload is `parts` joined; resolves with what `landed` returns
   * once the frame was handed to the OS (write(2) returned), or rejects when that failed.
   */
  append<T>(parts: Uint8Array[], landed: (at: Placement) => T, after?: Promise<unknown>): Promise<T> {
    const header = frameHeader(parts);
    const digest = this.options.frameDigest?.(header, parts) ?? [header, ...parts];
    const length = parts.reduce((n, p) => n + p.length, header.length);
    return this.enqueue([header, ...parts], length, digest, after, landed);
  }

  /** Resolves once every frame queued so far was written (or failed). */
  drained(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private enqueue<T>(
    buffers: Uint8Array[],
    length: number,
    digest: Uint8Array[],
    after: Promise<unknown> | undefined,
    landed: (at: Placement) => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ buffers, length, digest, after, landed: (at) => resolve(landed(at)), failed: reject });
      if (!this.writing) {
        // The write waits for the end of this event-loop turn, so that appends made in the
        // same turn (every task the last write woke up) share it.
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        if (head.after) {
          await this.waitFor(head.after);
          continue;
        }
        let batch: Queued[] = [];
        try {
          const active = this.segmentFor(head.length);
          batch = this.takeBatch(active);
          this.writeBatch(active, batch);
        } catch (error) {
          // Everything queued was to follow the failed write; none of it is acknowledged.
          for (const q of [...batch, ...this.queue.splice(0)]) q.failed(error);
        }
      }
    } finally {
      this.writing = false;
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /**
   * Waits for a blob that queued frames name; then they may be written (and batched) like
   * any other, or, when it was not written, they fail with its error.
   */
  private async waitFor(after: Promise<unknown>): Promise<void> {
    const waited = await settled(after);
    const waiting = this.queue.filter((q) => q.after === after);
    for (const q of waiting) q.after = undefined;
    if (waited.error === undefined) return;
    this.queue.splice(0, this.queue.length, ...this.queue.filter((q) => !waiting.includes(q)));
    for (const q of waiting) q.failed(waited.error);
  }

  /** The segment the next frame goes to: a new one when it would pass maxBytes. */
  private segmentFor(length: number): Active {
    if (this.active && this.active.frames > 0 && this.active.bytes + length > this.maxBytes) {
      this.seal();
      this.options.onRotate?.();
    }
    return (this.active ??= this.start());
  }

  /** The queued frames that go in one write: all that fit the segment, up to a frame that must wait. */
  private takeBatch(active: Active): Queued[] {
    let bytes = active.bytes;
    let buffers = 0;
    let n = 0;
    for (const q of this.queue) {
      const fits = bytes + q.length <= this.maxBytes && buffers + q.buffers.length <= MAX_WRITE_BUFFERS;
      if (n > 0 && (q.after || !fits)) break;
      bytes += q.length;
      buffers += q.buffers.length;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private writeBatch(active: Active, batch: Queued[]): void {
    const offset = active.bytes;
    const buffers: Uint8Array[] = [];
    let length = 0;
    for (const q of batch) {
      for (const b of q.buffers) buffers.push(b);
      length += q.length;
    }
    this.writes++;
    try {
      // Explicit positions: after a failed write the next one starts where good data ends.
      writeAllAt(active.fd, buffers, length, offset);
    } catch (error) {
      // Leave no partial frame behind (best effort: a torn tail is also cut off on open).
      try {
        ftruncateSync(active.fd, offset);
      } catch {
        // the write's error is the one to report
      }
      throw namingFile(error, join(this.folder, active.name));
    }
    let at = offset;
    for (const q of batch) {
      for (const part of q.digest) active.digest.update(part);
      active.frames++;
      active.bytes = at + q.length;
      const placed = { segment: active.name, offset: at, length: q.length };
      at += q.length;
      try {
        q.landed(placed);
      } catch (error) {
        q.failed(error);
      }
    }
    active.sync.advance(active.bytes);
  }

  /** The open segment's name, starting one if there is none. */
  current(): string {
    return (this.active ??= this.start()).name;
  }

  /** fsyncs and closes the open segment and records its sha256: it never changes again. */
  seal(): void {
    const active = this.active;
    if (!active) return;
    fsyncSync(active.fd);
    active.sync.check();
    const sha256 = active.digest.digest('hex');
    active.sync.close(closeSync);
    this.recordSealed(active, sha256);
    this.active = undefined;
  }

  /** fsyncs the open segment (on the thread pool, so several sync at once) and records its size. */
  async syncAsync(): Promise<void> {
    const active = this.active;
    if (!active) return;
    await fsyncAsync(active.fd);
    active.sync.check();
    Object.assign(this.entry(active.name), { records: active.frames, bytes: active.bytes });
  }

  /** seal(), with the fsync on the thread pool (so several seal at once). */
  async sealAsync(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    const sha256 = active.digest.digest('hex');
    try {
      await fsyncAsync(active.fd);
    } finally {
      await active.sync.settled();
      closeSync(active.fd);
    }
    active.sync.check();
    this.recordSealed(active, sha256);
  }

  private recordSealed(active: Active, sha256: string): void {
    Object.assign(this.entry(active.name), { records: active.frames, bytes: active.bytes, sha256, sealed: true });
  }

  /** Closes without sealing (the segment is resealed when the run is resumed). */
  close(): void {
    const active = this.active;
    if (!active) return;
    active.sync.close(closeSync);
    this.active = undefined;
  }

  private start(): Active {
    const name = `${String(this.next++).padStart(6, '0')}.${this.extension}`;
    const path = join(this.folder, name);
    const fd = createSegmentSync(path, this.preamble);
    fsyncDirSync(this.folder);
    this.entries.push({ name, records: 0, bytes: this.preamble.length, sha256: null, sealed: false });
    const digest = createHash('sha256').update(this.preamble);
    return { name, fd, bytes: this.preamble.length, frames: 0, digest, sync: new BackgroundSync(fd) };
  }

  private entry(name: string): ShardEntry {
    return this.entries.find((s) => s.name === name)!;
  }
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

async function settled(promise: Promise<unknown>): Promise<{ error?: unknown }> {
  try {
    await promise;
    return {};
  } catch (error) {
    return { error: error ?? new Error('a frame this one depends on was not written') };
  }
}
