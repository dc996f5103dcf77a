import { writeFilesAtomic, writeFilesAtomicSync } from '../storage/atomic-file.js';
import type { BlobStore } from '../storage/blob-store.js';
import { DuplicateEpisodeError, InvalidRecordError, WriterClosedError } from '../errors.js';
import { EPISODE_STATUSES, isEpisodeStatus } from '../record/record.js';
import { REWARD_MODES } from '@workgym/protocol/reward';
import type { EpisodeRecord, ToolSchema } from '../record/record.js';
import { RecordCodec } from '../codec/record-codec.js';
import type { RunCounts, RunManifest, ShardTable } from '../storage/run-files.js';
import { manifestFile, runPaths, shardTableFile } from '../storage/run-files.js';
import { releaseRunLock } from '../storage/run-lock.js';
import { SegmentAppender } from '../storage/segment-appender.js';
import type { Placement } from '../storage/segment-appender.js';
import { segmentPreamble } from '../storage/segment-file.js';
import { RESUMABLE, runWriteFailure } from '../storage/write-failure.js';
import { sha256Hex } from '../record/sha256-hex.js';
import { toolsCanonicalJson } from '../record/task.js';
import type { EpisodeIndex } from './episode-index.js';
import { summarize } from './episode-summary.js';
import type { ShardDamage, TailRepair } from './run-state.js';

export const DEFAULT_SHARD_BYTES = 64 << 20;

/** What a writer starts from: the run's files as createRun() or resumeRun() left them. */
export interface WriterStart {
  manifest: RunManifest;
  table: ShardTable;
  index: EpisodeIndex;
  blobs: BlobStore;
  repairs: TailRepair[];
  damaged: ShardDamage[];
  /** Whether the run was reopened (its index files are then rewritten at once). */
  resumed: boolean;
  shardBytes?: number;
  packBytes?: number;
}

export interface AppendResult {
  episodeId: string;
  shard: string;
  offset: number;
  length: number;
}

/**
 * Appends episode records (and blobs) to a run folder.
 *
 * Durability contract: when `append()` or `putBlob()` resolves, the bytes have been handed
 * to the OS (write(2) returned), so a crash of this process loses nothing acknowledged, and
 * a frame cut short mid-write is cut off when the run is next opened. Power loss or a
 * kernel crash loses at most what was appended since the last `flush()`, shard rotation or
 * `finalize()`, which fsync the data and then atomically replace the indexes.
 *
 * Calls from any number of concurrent tasks are taken in call order; appends made in the
 * same event-loop turn are written together by one write (group commit, see
 * SegmentAppender), each still resolving only once its own bytes are written.
 */
export class RunWriter implements AsyncDisposable {
  private chain: Promise<unknown> = Promise.resolve();
  /** Operations queued or running. */
  private busy = 0;
  /** Episodes whose record is queued for writing (not yet in the index). */
  private readonly queuedIds = new Set<string>();
  private state: 'open' | 'closed' | 'broken' = 'open';
  private readonly toolHashes = new Map<string, string>();
  private readonly toolHashesByArray = new WeakMap<readonly ToolSchema[], { hash: string; tools: ToolSchema[] }>();
  private readonly codec = RecordCodec.current();
  private readonly shards: SegmentAppender;
  private readonly packs: SegmentAppender;

  private manifest: RunManifest;
  private readonly table: ShardTable;
  private readonly index: EpisodeIndex;
  private readonly blobs: BlobStore;
  /** Torn tails cut off (and temp files removed) when the run was reopened. */
  readonly repairs: TailRepair[];
  /**
   * Damaged records found when the run was reopened: their episodes are no longer in the run
   * (`has()` is false), so a resume runs them again.
   */
  readonly damaged: ShardDamage[];

  /** Made by createRun() and resumeRun() (create-run.ts), which take the run's lock first. */
  constructor(
    readonly dir: string,
    start: WriterStart,
  ) {
    const { table, index, blobs } = start;
    this.manifest = start.manifest;
    this.table = table;
    this.index = index;
    this.blobs = blobs;
    this.repairs = start.repairs;
    this.damaged = start.damaged;
    const preamble = segmentPreamble('shard', this.codec);
    // A sealed segment is recorded in index.json at once (its digest is what verify checks).
    const onRotate = () => this.persistMeta(false);
    this.shards = new SegmentAppender(runPaths(dir).shards, 'wgs', preamble, table.shards, start.shardBytes ?? DEFAULT_SHARD_BYTES, { onRotate });
    this.packs = blobs.openForWriting(table.packs, start.packBytes, onRotate);
    // Appends always go to a fresh shard: sealed ones never change.
    index.covered.set(this.shards.current(), preamble.length);
    // A resumed run's sealed segments, known damage and reopened manifest go to disk before any append.
    if (start.resumed) this.persistMeta(true);
  }

  get runId(): string {
    return this.manifest.runId;
  }

  /**
   * Stores bytes (a screenshot, a workbook) once; resolves with the sha256 to put in the
   * record once they are written. Do not change the bytes before it resolves.
   */
  putBlob(bytes: Uint8Array): Promise<string> {
    return this.enqueue(() => {
      this.assertOpen();
      return this.watch(this.blobs.put(bytes));
    });
  }

  append(record: EpisodeRecord): Promise<AppendResult> {
    return this.enqueue(() => this.appendNow(record));
  }

  /** Whether the run holds (or is writing) this episode. */
  has(episodeId: string): boolean {
    return this.index.has(episodeId) || this.queuedIds.has(episodeId);
  }

  /** Ids of every episode in the run, in store order. */
  episodeIds(): string[] {
    return this.index.entries.map((e) => e.episodeId);
  }

  get size(): number {
    return this.index.size;
  }

  /** Makes everything appended so far durable: fsyncs the shard and pack, then the indexes. */
  flush(): Promise<void> {
    return this.serialized(async () => {
      this.assertOpen();
      await this.drained();
      this.assertOpen();
      await this.failingAsWrite(this.flushNow());
    });
  }

  /** Makes the run durable, seals the last shard and pack, marks the run finalised with its counts. */
  finalize(): Promise<RunManifest> {
    return this.serialized(async () => {
      this.assertOpen();
      await this.drained();
      this.assertOpen();
      await this.failingAsWrite(
        (async () => {
          await Promise.all([this.shards.sealAsync(), this.packs.sealAsync()]);
          const manifest: RunManifest = { ...this.manifest, status: 'finalised', endedAt: new Date().toISOString(), counts: this.counts() };
          await writeFilesAtomic(this.dir, [...this.metaFiles(false), manifestFile(manifest)]);
          this.manifest = manifest;
        })(),
      );
      this.state = 'closed';
      releaseRunLock(this.dir);
      return this.manifest;
    });
  }

  /** Flushes and releases the run without finalising it (it can be resumed). Idempotent. */
  close(): Promise<void> {
    return this.serialized(async () => {
      if (this.state === 'closed') return;
      await this.drained();
      try {
        if (this.state === 'open') await this.failingAsWrite(this.flushNow());
      } finally {
        this.shards.close();
        this.packs.close();
        this.state = 'closed';
        releaseRunLock(this.dir);
      }
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Queues a write in call order and returns its landing: at once when no other call waits
   * (so concurrent appends reach the appenders together and share a write), else behind
   * them. Only the queueing is serialised, never the writes themselves.
   */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy === 0) {
      try {
        return work();
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return this.serialized(() => ({ landed: work() })).then((queued) => queued.landed);
  }

  /** Every frame queued so far is written (or failed). */
  private async drained(): Promise<void> {
    await Promise.all([this.shards.drained(), this.packs.drained()]);
  }

  /** Runs `work` after every earlier call has finished, in call order. */
  private serialized<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.busy === 0) {
      // Nothing queued: run now. An append is synchronous, so it skips the promise queue.
      let result: T | Promise<T>;
      try {
        result = work();
      } catch (error) {
        return Promise.reject(error as Error);
      }
      if (!(result instanceof Promise)) return Promise.resolve(result);
      return this.track(result);
    }
    return this.track(this.chain.then(work));
  }

  private track<T>(operation: Promise<T>): Promise<T> {
    this.busy++;
    const settled = operation.finally(() => this.busy--);
    this.chain = settled.catch(() => undefined);
    return settled;
  }

  private assertOpen(): void {
    if (this.state !== 'open') {
      throw new WriterClosedError(
        this.state === 'broken'
          ? `the writer for ${this.dir} stopped after a failed write; resume the run to go on`
          : `the writer for ${this.dir} is closed; resume the run to append more`,
      );
    }
  }

  /** A failed write leaves the files as they were (no partial frame) but stops the writer. */
  private watch<T>(landed: Promise<T>, cleanup?: () => void): Promise<T> {
    return landed.catch((error: unknown) => {
      cleanup?.();
      if (this.state === 'open') this.state = 'broken';
      throw runWriteFailure(error, this.dir, RESUMABLE);
    });
  }

  /** A flush or seal that failed (a full disk) as a RunWriteError; what was flushed before stays. */
  private failingAsWrite<T>(work: Promise<T>): Promise<T> {
    return work.catch((error: unknown) => {
      throw runWriteFailure(error, this.dir, RESUMABLE);
    });
  }

  private appendNow(record: EpisodeRecord): Promise<AppendResult> {
    this.assertOpen();
    const episodeId = record.episodeId;
    if (!episodeId) throw new InvalidRecordError('record has no episodeId; every episode needs an id unique in its run');
    if (this.has(episodeId)) throw new DuplicateEpisodeError(episodeId);
    if (!isEpisodeStatus(record.status)) {
      throw new InvalidRecordError(`episode ${episodeId}: status ${JSON.stringify(record.status)} is not one of ${EPISODE_STATUSES.join(', ')}`);
    }
    if (record.rewardMode && !(REWARD_MODES as readonly string[]).includes(record.rewardMode)) {
      throw new InvalidRecordError(`episode ${episodeId}: reward mode ${JSON.stringify(record.rewardMode)} is not one of ${REWARD_MODES.join(', ')}`);
    }
    const toolsHash = this.storeTools(record, episodeId);
    // The tool list is stored as its blob, named in tools_hash (see storeTools).
    const payload = this.codec.encode(record, { tools: undefined, toolsHash });
    // Summarised now: the caller may reuse the record object once append() returned.
    const summary = summarize(record, { shard: '', offset: 0, length: 0 });
    this.queuedIds.add(episodeId);
    const place = ({ segment, offset, length }: Placement) => {
      Object.assign(summary, { shard: segment, offset, length });
      this.index.add(summary);
      this.queuedIds.delete(episodeId);
      return { episodeId, shard: segment, offset, length };
    };
    const after = this.blobs.pending(toolsHash);
    const landed = this.shards.append([payload], place, after);
    return this.watch(landed, () => this.queuedIds.delete(episodeId));
  }

  /**
   * Stores the tool list as a blob (see ToolsCache) unless stored already; checks a given
   * tools_hash. Returns the blob's name, which the record holds instead of the list (while
   * the blob is being written, `blobs.pending(name)` is its write: the record must follow it).
   */
  private storeTools(record: EpisodeRecord, episodeId: string): string {
    const tools = record.tools ?? [];
    // Rollouts hand the same tools array to every episode of an env; when its entries still
    // hold the same strings (compared by ===, usually the same objects), reuse the hash.
    const seen = this.toolHashesByArray.get(tools);
    let hash = seen && sameTools(seen.tools, tools) ? seen.hash : undefined;
    if (!hash) {
      const canonical = toolsCanonicalJson(tools);
      hash = this.toolHashes.get(canonical);
      if (!hash) {
        hash = sha256Hex(canonical);
        // Failures surface through the record that waits for it.
        this.blobs.put(canonical).catch(() => undefined);
        this.toolHashes.set(canonical, hash);
      }
      this.toolHashesByArray.set(tools, { hash, tools: tools.map((t) => ({ ...t })) });
    }
    const given = record.toolsHash;
    if (given && given !== hash) {
      throw new InvalidRecordError(
        `episode ${episodeId}: toolsHash ${given} does not match its tools (${hash}); ` +
          'leave it empty or compute it with toolsHash() from @workgym/trajectories',
      );
    }
    return hash;
  }

  private async flushNow(): Promise<void> {
    await Promise.all([this.shards.syncAsync(), this.packs.syncAsync()]);
    await writeFilesAtomic(this.dir, this.metaFiles(false));
  }

  /** index.json, episodes.idx, blobs.idx (and the manifest), replaced as one batch. */
  private persistMeta(withManifest: boolean): void {
    writeFilesAtomicSync(this.dir, this.metaFiles(withManifest));
  }

  private metaFiles(withManifest: boolean): { name: string; data: string | Uint8Array }[] {
    const files = [shardTableFile(this.table), { name: 'episodes.idx', data: this.index.encode() }, { name: 'blobs.idx', data: this.blobs.encodeIndex() }];
    if (withManifest) files.push(manifestFile(this.manifest));
    return files;
  }

  private counts(): RunCounts {
    const byStatus: Record<string, number> = {};
    let steps = 0;
    for (const e of this.index.entries) {
      byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
      steps += e.steps;
    }
    return { episodes: this.index.size, steps, byStatus };
  }
}

function sameTools(a: readonly ToolSchema[], b: readonly ToolSchema[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || x.description !== y.description || x.parametersJson !== y.parametersJson) return false;
  }
  return true;
}
