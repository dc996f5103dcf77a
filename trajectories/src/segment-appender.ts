import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { closeSync, fsync, fsyncSync, ftruncateSync, readSync, writeSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirSync } from './atomic-file.js';
import { frameHeader, writeFrameHeader } from './frame.js';
import type { ShardEntry } from './run-files.js';
import { createSegmentSync } from './segment-file.js';

interface Active {
  name: string;
  fd: number;
  bytes: number;
  frames: number;
  hash: Hash;
  /** The digest was fed frame by frame (packs); else it is taken from the file at sealing. */
  incremental: boolean;
}

/**
 * Appends frames to numbered segment files in one folder, sealing a segment (fsync, digest
 * into its table entry) and starting the next when it would pass `maxBytes`.
 */
export class SegmentAppender {
  private active: Active | undefined;
  private next: number;
  /** Set when a segment was sealed since the caller last looked (it persists the table). */
  rotated = false;

  constructor(
    private readonly folder: string,
    private readonly extension: string,
    private readonly preamble: Buffer,
    readonly entries: ShardEntry[],
    private readonly maxBytes: number,
  ) {
    this.next = entries.reduce((n, s) => Math.max(n, Number.parseInt(s.name, 10) + 1), 0);
  }

  /**
   * Writes one frame whose payload is `parts` joined (handed to the OS when this returns);
   * returns where it went. `digestOf` picks what of the frame goes into the segment's digest;
   * without it, the digest is of the whole file, taken when sealing.
   */
  append(
    parts: Uint8Array[],
    digestOf?: (header: Buffer, parts: Uint8Array[]) => Uint8Array[],
  ): { segment: string; offset: number; length: number } {
    const header = frameHeader(parts);
    const placed = this.write([header, ...parts], parts.reduce((n, p) => n + p.length, header.length));
    if (digestOf) {
      const active = this.active!;
      if (!active.incremental) active.hash.update(this.preamble);
      active.incremental = true;
      for (const part of digestOf(header, parts)) active.hash.update(part);
    }
    return placed;
  }

  /**
   * Writes a frame whose first FRAME_HEADER_BYTES were left free for the header (msgpackr's
   * RESERVE_START_SPACE): one buffer, one write, no copy.
   */
  appendReserved(frame: Buffer): { segment: string; offset: number; length: number } {
    writeFrameHeader(frame);
    return this.write([frame], frame.length);
  }

  private write(buffers: Uint8Array[], length: number): { segment: string; offset: number; length: number } {
    if (this.active && this.active.frames > 0 && this.active.bytes + length > this.maxBytes) {
      this.seal();
      this.rotated = true;
    }
    const active = (this.active ??= this.start());
    const offset = active.bytes;
    try {
      // Explicit positions: after a failed write the next one starts where good data ends.
      let written = buffers.length === 1 ? writeSync(active.fd, buffers[0]!, 0, length, offset) : writevSync(active.fd, buffers, offset);
      if (written < length) {
        const whole = Buffer.concat(buffers);
        while (written < length) written += writeSync(active.fd, whole, written, length - written, offset + written);
      }
    } catch (error) {
      // Leave no partial frame behind, so later appends stay readable.
      ftruncateSync(active.fd, offset);
      throw error;
    }
    active.bytes += length;
    active.frames++;
    return { segment: active.name, offset, length };
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
    // Hashing the file once at the end, in large reads from the page cache, costs half of
    // feeding every small frame to the hash as it is written.
    if (!active.incremental) hashFile(active.fd, active.bytes, active.hash);
    closeSync(active.fd);
    Object.assign(this.entry(active.name), {
      records: active.frames,
      bytes: active.bytes,
      sha256: active.hash.digest('hex'),
      sealed: true,
    });
    this.active = undefined;
  }

  /** fsyncs the open segment (on the thread pool, so several sync at once) and records its size. */
  async syncAsync(): Promise<void> {
    const active = this.active;
    if (!active) return;
    await fsyncAsync(active.fd);
    Object.assign(this.entry(active.name), { records: active.frames, bytes: active.bytes });
  }

  /** seal(), hashing the file while the thread pool fsyncs it. */
  async sealAsync(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    const synced = fsyncAsync(active.fd);
    try {
      if (!active.incremental) hashFile(active.fd, active.bytes, active.hash);
      await synced;
    } finally {
      closeSync(active.fd);
    }
    Object.assign(this.entry(active.name), {
      records: active.frames,
      bytes: active.bytes,
      sha256: active.hash.digest('hex'),
      sealed: true,
    });
  }

  /** Closes without sealing (the segment is resealed when the run is resumed). */
  close(): void {
    if (this.active) closeSync(this.active.fd);
    this.active = undefined;
  }

  private start(): Active {
    const name = `${String(this.next++).padStart(6, '0')}.${this.extension}`;
    const fd = createSegmentSync(join(this.folder, name), this.preamble);
    fsyncDirSync(this.folder);
    this.entries.push({ name, records: 0, bytes: this.preamble.length, sha256: null, sealed: false });
    return { name, fd, bytes: this.preamble.length, frames: 0, hash: createHash('sha256'), incremental: false };
  }

  private entry(name: string): ShardEntry {
    return this.entries.find((s) => s.name === name)!;
  }
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

function hashFile(fd: number, size: number, hash: Hash): void {
  const chunk = Buffer.allocUnsafe(Math.min(size, 8 << 20));
  for (let at = 0; at < size; ) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - at), at);
    if (n === 0) break;
    hash.update(chunk.subarray(0, n));
    at += n;
  }
}
