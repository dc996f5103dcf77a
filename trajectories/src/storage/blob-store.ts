import { hash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { BlobNotFoundError, CorruptRecordError } from '../errors.js';
import { checkFrame } from './frame.js';
import type { ShardEntry } from './run-files.js';
import { SegmentAppender } from './segment-appender.js';
import { segmentPreamble } from './segment-file.js';

const HASH = /^[0-9a-f]{64}$/;
const DEFAULT_PACK_BYTES = 256 << 20;
const packr = new Packr({ useRecords: false });

export interface BlobLocation {
  pack: string;
  /** Frame offset and length in the pack; the payload is sha256 (32 bytes) + the blob. */
  offset: number;
  length: number;
}

interface BlobIndexFile {
  version: 1;
  covered: [string, number][];
  /** [sha256 hex, pack, offset, length] */
  entries: [string, string, number, number][];
}

/**
 * Content-addressed blobs (screenshots, workbooks, tool lists): a blob's name is the hex
 * sha256 of its bytes, and storing the same bytes twice stores them once.
 *
 * Blobs are appended to pack files (`blobs/NNNNNN.wgb`, CRC frames like the shards) rather
 * than written one file each: creating a 50 KB file cost ~0.3 ms on ext4, appending it
 * ~0.02 ms, and fsyncing 300 files at a flush took longer than writing them
 * (bench/trajectories-store.ts, docs/trajectories.md). `blobs.idx` maps names to frames.
 */
export class BlobStore {
  readonly locations = new Map<string, BlobLocation>();
  /** How far into each pack `locations` reaches. */
  readonly covered = new Map<string, number>();
  private appender: SegmentAppender | undefined;
  private readonly fds = new Map<string, number>();
  /** Blobs queued for writing, by name: a second put of the same bytes waits for the first. */
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(readonly dir: string) {}

  /** Lets this store append, to the packs listed in `entries` (the run's shard table). */
  openForWriting(entries: ShardEntry[], packBytes = DEFAULT_PACK_BYTES, onRotate?: () => void): SegmentAppender {
    // Each blob is already its own sha256, so a pack's digest covers only the frame headers
    // and blob names (its table of contents): hashing every byte twice cost as much as
    // writing them (bench/trajectories-store.ts).
    this.appender = new SegmentAppender(this.dir, 'wgb', segmentPreamble('pack'), entries, packBytes, {
      onRotate,
      frameDigest: (header, [name]) => [header, name!],
    });
    return this.appender;
  }

  /**
   * Stores the bytes unless a blob with the same name is stored or being stored; resolves
   * with the name once the blob is with the OS. The bytes must not change until then.
   */
  put(bytes: Uint8Array | string): Promise<string> {
    const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    const digest = hash('sha256', data, 'buffer');
    const sha256 = digest.toString('hex');
    if (this.locations.has(sha256)) return Promise.resolve(sha256);
    const queued = this.inFlight.get(sha256);
    if (queued) return queued;
    if (!this.appender) throw new Error('BlobStore is read-only');
    const landed = this.appender.append([digest, data], (location) => {
      this.add(sha256, { pack: location.segment, offset: location.offset, length: location.length });
      this.inFlight.delete(sha256);
      return sha256;
    });
    const tracked = landed.catch((error: unknown) => {
      this.inFlight.delete(sha256);
      throw error;
    });
    this.inFlight.set(sha256, tracked);
    return tracked;
  }

  /** The pending write of a blob, when it is still queued (frames naming it must wait for it). */
  pending(sha256: string): Promise<string> | undefined {
    return this.inFlight.get(sha256);
  }

  add(sha256: string, location: BlobLocation): void {
    this.locations.set(sha256, location);
    this.covered.set(location.pack, location.offset + location.length);
  }

  has(sha256: string): boolean {
    return this.locations.has(sha256);
  }

  /**
   * The blob's bytes, checked against its CRC and its name. Read synchronously: a blob is
   * one read from the page cache (~10 µs for 50 KB), where a thread-pool read cost a round
   * trip per blob and made reading screenshots 1.5x slower (bench/trajectories-store.ts).
   */
  async get(sha256: string): Promise<Buffer> {
    return this.getSync(sha256);
  }

  getSync(sha256: string): Buffer {
    const location = this.locate(sha256);
    const buf = Buffer.allocUnsafe(location.length);
    const bytesRead = readSync(this.fd(location.pack), buf, 0, location.length, location.offset);
    return this.unpack(sha256, location, buf.subarray(0, bytesRead));
  }

  encodeIndex(): Buffer {
    const file: BlobIndexFile = {
      version: 1,
      covered: [...this.covered],
      entries: [...this.locations].map(([sha, l]) => [sha, l.pack, l.offset, l.length]),
    };
    return packr.pack(file);
  }

  /** Loads blobs.idx; false when it is missing or unreadable (the caller rescans the packs). */
  loadIndex(path: string): boolean {
    if (!existsSync(path)) return false;
    try {
      const file = packr.unpack(readFileSync(path)) as BlobIndexFile;
      if (file?.version !== 1 || !Array.isArray(file.entries)) return false;
      for (const [sha, pack, offset, length] of file.entries) this.locations.set(sha, { pack, offset, length });
      for (const [pack, bytes] of file.covered) this.covered.set(pack, bytes);
      return true;
    } catch {
      return false;
    }
  }

  clear(): void {
    this.locations.clear();
    this.covered.clear();
  }

  async close(): Promise<void> {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private locate(sha256: string): BlobLocation {
    const location = this.locations.get(sha256);
    if (!location) {
      throw new BlobNotFoundError(
        HASH.test(sha256)
          ? `blob ${sha256} is not in this run; run \`workgym data verify\` on it`
          : `${JSON.stringify(sha256)} is not a blob name (64 hex digits of sha256)`,
      );
    }
    return location;
  }

  private unpack(sha256: string, location: BlobLocation, frame: Buffer): Buffer {
    const check = checkFrame(frame, 0);
    if (check.kind !== 'ok' || check.payload.subarray(0, 32).toString('hex') !== sha256) {
      throw new CorruptRecordError(
        `blob ${sha256} in ${location.pack} at offset ${location.offset} is damaged; run \`workgym data verify\``,
        location.pack,
        location.offset,
      );
    }
    return check.payload.subarray(32);
  }

  /** The pack's descriptor for reading, opened once. */
  private fd(pack: string): number {
    let fd = this.fds.get(pack);
    if (fd === undefined) {
      fd = openSync(join(this.dir, pack), 'r');
      this.fds.set(pack, fd);
    }
    return fd;
  }
}
