import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpisodeSummary } from './episode-summary.js';
import { writeFilesAtomicSync } from './atomic-file.js';
import { CorruptRecordError } from './errors.js';
import { checkFrame } from './frame.js';
import type { EpisodeRecord } from './record.js';
import type { RecordCodec } from './record-codec.js';
import { matchesFilter } from './record-filter.js';
import type { RecordFilter } from './record-filter.js';
import type { RunManifest, ShardTable } from './run-files.js';
import { runPaths } from './run-files.js';
import { liveLockHolder } from './run-lock.js';
import { loadRunState } from './run-state.js';
import type { RunState, ShardDamage, TailRepair } from './run-state.js';
import { readSegmentStart, scanFrameBatches } from './segment-file.js';
import type { ScanEnd } from './segment-file.js';

interface OpenShard {
  fh: FileHandle;
  codec: RecordCodec;
  dataStart: number;
}

/**
 * Reads a run: streams records with filters, fetches one episode by id through the episode
 * index, and serves blobs. It sees the run as it was when opened. Opening repairs a torn
 * tail unless a live writer holds the run (then the tail is only skipped).
 */
export class RunReader implements AsyncDisposable {
  private readonly open = new Map<string, Promise<OpenShard>>();
  private closed = false;

  private constructor(private readonly state: RunState) {}

  static async open(dir: string): Promise<RunReader> {
    const repair = liveLockHolder(dir) === undefined;
    const state = await loadRunState(dir, { repair });
    if (repair && state.indexRebuilt && state.damage.length === 0) {
      // Save the rebuilt indexes so the next open does not scan again.
      writeFilesAtomicSync(dir, [
        { name: 'episodes.idx', data: state.index.encode() },
        { name: 'blobs.idx', data: state.blobs.encodeIndex() },
      ]);
    }
    return new RunReader(state);
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

  /** Torn tails found when opening (cut off unless a writer was live). */
  get repairs(): readonly TailRepair[] {
    return this.state.repairs;
  }

  /** Damage past which a shard could not be read; `verifyRun` says more. */
  get damage(): readonly ShardDamage[] {
    return this.state.damage;
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
      throw new CorruptRecordError(
        `episode ${summary.episodeId}: the record in ${summary.shard} at offset ${summary.offset} is damaged; run \`workgym data verify\``,
        summary.shard,
        summary.offset,
      );
    }
    return this.decode(shard.codec, check.payload, summary.shard, summary.offset);
  }

  /**
   * Streams records in store order, reading each shard front to back. A damaged record
   * stops the stream with a CorruptRecordError (`verifyRun` lists all damage).
   */
  async *records(filter?: RecordFilter): AsyncGenerator<EpisodeRecord> {
    const all = filter === undefined;
    const wanted = all ? undefined : new Set(this.summaries(filter).map((e) => `${e.shard}:${e.offset}`));
    for (const { name, size } of this.state.shards) {
      const shard = await this.shard(name);
      const result: { end?: ScanEnd } = {};
      for await (const frames of scanFrameBatches(shard.fh, size, shard.dataStart, result)) {
        for (const frame of frames) {
          if (wanted && !wanted.has(`${name}:${frame.offset}`)) continue;
          yield this.decode(shard.codec, frame.payload, name, frame.offset);
        }
      }
      const end = result.end!;
      if (end.kind !== 'clean') {
        throw new CorruptRecordError(
          `shards/${name} is damaged at offset ${end.offset}; run \`workgym data verify\` to see what is lost`,
          name,
          end.offset,
        );
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
        const fh = await open(join(runPaths(this.state.dir).shards, name), 'r');
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
