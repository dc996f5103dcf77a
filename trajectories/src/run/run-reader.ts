import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpisodeSummary } from './episode-summary.js';
import { CorruptRecordError } from '../errors.js';
import { checkFrame } from '../storage/frame.js';
import type { EpisodeRecord } from '../record/record.js';
import type { RecordCodec } from '../codec/record-codec.js';
import { matchesFilter } from './record-filter.js';
import type { RecordFilter } from './record-filter.js';
import type { RunManifest, ShardTable } from '../storage/run-files.js';
import { runPaths } from '../storage/run-files.js';
import { findDamagedRecords } from './record-check.js';
import { loadRunState } from './run-state.js';
import type { RunState, ShardDamage, TailRepair } from './run-state.js';
import { readablePieces, readSegmentStart, scanFrameBatches } from '../storage/segment-file.js';
import type { ScanEnd } from '../storage/segment-file.js';

interface OpenShard {
  fh: FileHandle;
  codec: RecordCodec;
  dataStart: number;
}

/**
 * Reads a run: streams records with filters, fetches one episode by id through the episode
 * index, and serves blobs. It sees the run as it was when opened. A reader never writes: a
 * torn tail is skipped (the next resume cuts it off), an index that is behind the shards is
 * caught up in memory, so a run on a full disk or a read-only filesystem reads like any other.
 */
export class RunReader implements AsyncDisposable {
  private readonly open = new Map<string, Promise<OpenShard>>();
  private closed = false;

  private constructor(private readonly state: RunState) {}

  static async open(dir: string): Promise<RunReader> {
    return new RunReader(await loadRunState(dir, { repair: false }));
  }

  get dir(): string {
    return this.state.dir;
  }

  get manifest(): RunManifest {
    return this.state.manifest;
  }

  get shardTable(): ShardTable {
    return this.state.table;
  }

  /** Torn tails found when opening, skipped (a resume cuts them off). */
  get repairs(): readonly TailRepair[] {
    return this.state.repairs;
  }

  /**
   * Damage found when opening: stretches past the index that do not scan, and records the
   * index lists that a file no longer holds. Damage inside the records the index covers is
   * found only by reading them (checkRecords(), verifyRun).
   */
  get damage(): readonly ShardDamage[] {
    return this.state.damage;
  }

  /**
   * `damage`, plus every record the index lists whose frame fails its checks: reads every
   * shard (not the blob packs) and decodes nothing.
   */
  async checkRecords(): Promise<ShardDamage[]> {
    return [...this.state.damage, ...(await findDamagedRecords(this.state))];
  }

  get size(): number {
    return this.state.index.size;
  }

  has(episodeId: string): boolean {
    return this.state.index.has(episodeId);
  }

  episodeIds(): string[] {
    return this.state.index.entries.map((e) => e.episodeId);
  }

  /** Index entries in store order; cheap (no record is decoded). */
  summaries(filter?: RecordFilter): EpisodeSummary[] {
    return this.state.index.entries.filter((e) => matchesFilter(e, filter));
  }

  summary(episodeId: string): EpisodeSummary | undefined {
    return this.state.index.get(episodeId);
  }

  /** One episode by id, read at its offset; undefined when the run has no such episode. */
  async get(episodeId: string): Promise<EpisodeRecord | undefined> {
    const summary = this.state.index.get(episodeId);
    return summary ? this.read(summary) : undefined;
  }

  /** Reads the record an index entry points at. */
  async read(summary: EpisodeSummary): Promise<EpisodeRecord> {
    const shard = await this.shard(summary.shard);
    const buf = Buffer.allocUnsafe(summary.length);
    const { bytesRead } = await shard.fh.read(buf, 0, summary.length, summary.offset);
    const check = checkFrame(buf.subarray(0, bytesRead), 0);
    if (check.kind !== 'ok') {
      const why = check.kind === 'bad' ? check.reason : `the file ends ${summary.length - bytesRead} bytes into it`;
      throw new CorruptRecordError(
        `episode ${summary.episodeId}: the record in shards/${summary.shard} at offset ${summary.offset} is damaged (${why}); run \`workgym data verify\``,
        summary.shard,
        summary.offset,
      );
    }
    return this.decode(shard.codec, check.payload, summary.shard, summary.offset);
  }

  /**
   * Streams records in store order, reading each shard front to back and skipping the damage
   * a resume recorded (its episodes were run again). Any other damaged record stops the stream
   * with a CorruptRecordError (`verifyRun` lists all damage).
   */
  async *records(filter?: RecordFilter): AsyncGenerator<EpisodeRecord> {
    const all = filter === undefined;
    const wanted = all ? undefined : new Set(this.summaries(filter).map((e) => `${e.shard}:${e.offset}`));
    for (const { name, size } of this.state.shards) {
      const shard = await this.shard(name);
      const known = this.state.table.shards.find((s) => s.name === name)?.damaged ?? [];
      for (const [start, end] of readablePieces(shard.dataStart, size, known)) {
        const result: { end?: ScanEnd } = {};
        for await (const frames of scanFrameBatches(shard.fh, end, start, result)) {
          for (const frame of frames) {
            if (wanted && !wanted.has(`${name}:${frame.offset}`)) continue;
            yield this.decode(shard.codec, frame.payload, name, frame.offset);
          }
        }
        const stop = result.end!;
        if (stop.kind !== 'clean') {
          throw new CorruptRecordError(
            `shards/${name} is damaged at offset ${stop.offset}; run \`workgym data verify\` to see what is lost`,
            name,
            stop.offset,
          );
        }
      }
    }
  }

  /** Records for the given index entries, in the order given (random access). */
  async *recordsFor(summaries: Iterable<EpisodeSummary>): AsyncGenerator<EpisodeRecord> {
    for (const summary of summaries) yield await this.read(summary);
  }

  async blob(sha256: string): Promise<Buffer> {
    return this.state.blobs.get(sha256);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const shards = [...this.open.values()];
    this.open.clear();
    await Promise.all(shards.map(async (p) => (await p.catch(() => undefined))?.fh.close()));
    await this.state.blobs.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private decode(codec: RecordCodec, payload: Buffer, shard: string, offset: number): EpisodeRecord {
    try {
      return this.state.tools.restore(codec.decode(payload) as Record<string, unknown>);
    } catch (error) {
      throw new CorruptRecordError(`${shard} at offset ${offset}: record does not decode (${(error as Error).message})`, shard, offset);
    }
  }

  private shard(name: string): Promise<OpenShard> {
    let shard = this.open.get(name);
    if (!shard) {
      shard = (async () => {
        const fh = await open(join(runPaths(this.state.dir).shards, name), 'r').catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
          throw new CorruptRecordError(`shards/${name} is missing; run \`workgym data verify\` to see what is lost`, name, 0);
        });
        const size = this.state.shards.find((s) => s.name === name)?.size ?? 0;
        const start = await readSegmentStart(fh, size, `shards/${name}`, 'shard');
        if (start.kind === 'torn') {
          await fh.close();
          throw new CorruptRecordError(`shards/${name} has no complete header`, name, 0);
        }
        return { fh, codec: start.codec!, dataStart: start.dataStart };
      })();
      this.open.set(name, shard);
    }
    return shard;
  }
}

export const openRun = (dir: string) => RunReader.open(dir);
