import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { leftoverTemps, writeFilesAtomic, writeFilesAtomicSync } from '../storage/atomic-file.js';
import { BlobStore } from '../storage/blob-store.js';
import { EpisodeIndex } from './episode-index.js';
import { summarize } from './episode-summary.js';
import { CorruptRecordError, DuplicateEpisodeError, InvalidRecordError, RunExistsError, WriterClosedError } from '../errors.js';
import { EPISODE_STATUSES, isEpisodeStatus } from '../record/record.js';
import type { EpisodeRecord, ToolSchema } from '../record/record.js';
import { RecordCodec } from '../codec/record-codec.js';
import { findDamagedRecords } from './record-check.js';
import type { RunCounts, RunManifest, ShardEntry, ShardTable } from '../storage/run-files.js';
import { manifestFile, readManifest, runPaths, shardTableFile, writeManifest } from '../storage/run-files.js';
import { acquireRunLock, releaseRunLock } from '../storage/run-lock.js';
import { loadRunState } from './run-state.js';
import type { RunState, ShardDamage, TailRepair } from './run-state.js';
import { SegmentAppender } from '../storage/segment-appender.js';
import type { Placement } from '../storage/segment-appender.js';
import { segmentDigest, segmentPreamble } from '../storage/segment-file.js';
import { sha256Hex } from '../record/sha256-hex.js';
import type { SegmentKind } from '../storage/segment-file.js';
import { toolsCanonicalJson } from '../record/task.js';
import { TRAJECTORIES_VERSION } from '../versions.js';
import { RESUMABLE, runWriteFailure } from '../storage/write-failure.js';

export const DEFAULT_SHARD_BYTES = 64 << 20;

export interface CreateRunOptions {
  /** Defaults to the folder's name. */
  runId?: string;
  /** What produced the run (e.g. the rollout spec); stored in manifest.json as given. */
  spec?: unknown;
  /** Extra versions to record (env versions, agent, git commit...). */
  versions?: Record<string, string>;
  /** A shard is sealed and a new one started when the next record would pass this size. */
  shardBytes?: number;
  /** Likewise for blob packs (default 256 MiB). */
  packBytes?: number;
}

export interface ResumeRunOptions {
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

  private constructor(
    readonly dir: string,
    private manifest: RunManifest,
    private readonly table: ShardTable,
    private readonly index: EpisodeIndex,
    private readonly blobs: BlobStore,
    options: { shardBytes?: number; packBytes?: number },
    /** Torn tails cut off (and temp files removed) when the run was reopened. */
    readonly repairs: TailRepair[],
    /**
     * Damaged records found when the run was reopened: their episodes are no longer in the run
     * (`has()` is false), so a resume runs them again.
     */
    readonly damaged: ShardDamage[],
  ) {
    const preamble = segmentPreamble('shard', this.codec);
    // A sealed segment is recorded in index.json at once (its digest is what verify checks).
    const onRotate = () => this.persistMeta(false);
    this.shards = new SegmentAppender(runPaths(dir).shards, 'wgs', preamble, table.shards, options.shardBytes ?? DEFAULT_SHARD_BYTES, { onRotate });
    this.packs = blobs.openForWriting(table.packs, options.packBytes, onRotate);
    // Appends always go to a fresh shard: sealed ones never change.
    index.covered.set(this.shards.current(), preamble.length);
  }

  get runId(): string {
    return this.manifest.runId;
  }

  /** Creates a run in `dir` (which may exist, but must not hold a run). */
  static async create(dir: string, options: CreateRunOptions = {}): Promise<RunWriter> {
    const paths = runPaths(dir);
    if (existsSync(dir) && !statSync(dir).isDirectory()) {
      throw new RunExistsError(`${dir} is a file, not a folder; pick a new folder for the run`);
    }
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw runWriteFailure(error, dir, 'no run was created');
    }
    if (existsSync(paths.manifest)) {
      throw new RunExistsError(`${dir} already holds a run; resume it with resumeRun() or pick a new folder`);
    }
    acquireRunLock(dir);
    try {
      mkdirSync(paths.shards, { recursive: true });
      mkdirSync(paths.blobs, { recursive: true });
      const manifest: RunManifest = {
        format: 'workgym-run',
        formatVersion: 1,
        runId: options.runId ?? basename(dir),
        spec: options.spec ?? null,
        versions: { '@workgym/trajectories': TRAJECTORIES_VERSION, node: process.version, ...options.versions },
        startedAt: new Date().toISOString(),
        endedAt: null,
        status: 'open',
        resumedAt: [],
        counts: null,
      };
      writeManifest(dir, manifest);
      // index.json and the .idx files are first written by flush(); until then a reader
      // rebuilds them from the shards and packs.
      const table: ShardTable = { formatVersion: 1, shards: [], packs: [] };
      return new RunWriter(dir, manifest, table, new EpisodeIndex(), new BlobStore(paths.blobs), options, [], []);
    } catch (error) {
      releaseRunLock(dir);
      throw runWriteFailure(error, dir, 'the run was not created');
    }
  }

  /**
   * Reopens a run to append more episodes: cuts off a torn tail and removes temp files left by
   * an interrupted write (see `repairs`), checks every record, seals the shards and packs
   * written before and starts new ones. A damaged record is recorded as known damage in
   * index.json and its episode dropped (see `damaged`), so that `has()` is false for it and a
   * resume runs it again; a damaged blob pack is refused (see repairRun). Skip the ids in
   * `episodeIds()`.
   */
  static async resume(dir: string, options: ResumeRunOptions = {}): Promise<RunWriter> {
    readManifest(dir);
    acquireRunLock(dir);
    try {
      const removed = removeLeftoverTemps(dir);
      const state = await loadRunState(dir, { repair: true });
      state.repairs.unshift(...removed);
      const damage = [...state.damage, ...(await findDamagedRecords(state))];
      refuseDamagedPacks(dir, damage);
      const paths = runPaths(dir);
      const table = state.table;
      table.shards = await sealAll(paths.shards, 'shard', table.shards, state.shards, (name) =>
        state.index.entries.reduce((n, e) => n + Number(e.shard === name), 0),
      );
      table.packs = await sealAll(paths.blobs, 'pack', table.packs, state.packs, (name) =>
        [...state.blobs.locations.values()].reduce((n, l) => n + Number(l.pack === name), 0),
      );
      const now = new Date().toISOString();
      recordKnownDamage(state, damage, now);
      const manifest: RunManifest = {
        ...state.manifest,
        status: 'open',
        endedAt: null,
        resumedAt: [...state.manifest.resumedAt, now],
      };
      const writer = new RunWriter(dir, manifest, table, state.index, state.blobs, options, state.repairs, damage);
      writer.persistMeta(true);
      return writer;
    } catch (error) {
      releaseRunLock(dir);
      throw runWriteFailure(error, dir, 'the run is as it was before the resume: make room, then resume it');
    }
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
      throw new InvalidRecordError(
        `episode ${episodeId}: status ${JSON.stringify(record.status)} is not one of ${EPISODE_STATUSES.join(', ')}`,
      );
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
    const files = [
      shardTableFile(this.table),
      { name: 'episodes.idx', data: this.index.encode() },
      { name: 'blobs.idx', data: this.blobs.encodeIndex() },
    ];
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

export const createRun = (dir: string, options?: CreateRunOptions) => RunWriter.create(dir, options);
export const resumeRun = (dir: string, options?: ResumeRunOptions) => RunWriter.resume(dir, options);

function sameTools(a: readonly ToolSchema[], b: readonly ToolSchema[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || x.description !== y.description || x.parametersJson !== y.parametersJson) return false;
  }
  return true;
}

/** Seals every segment left open by the last writer; drops table entries whose file is gone. */
async function sealAll(
  folder: string,
  kind: SegmentKind,
  entries: ShardEntry[],
  present: { name: string; size: number }[],
  count: (name: string) => number,
): Promise<ShardEntry[]> {
  const out: ShardEntry[] = [];
  for (const { name, size } of present) {
    const entry = entries.find((s) => s.name === name) ?? { name, records: 0, bytes: 0, sha256: null, sealed: false };
    if (!entry.sealed) {
      const fh = await open(join(folder, name), 'r');
      try {
        // Its bytes may still be only in the page cache of the crashed writer's OS.
        await fh.sync();
        const sha256 = (await segmentDigest(fh, size, kind)) ?? null;
        Object.assign(entry, { records: count(name), bytes: size, sha256, sealed: true });
      } finally {
        await fh.close();
      }
    }
    out.push(entry);
  }
  return out;
}

/** Temp files an interrupted index write left (the lock says no one else is writing). */
function removeLeftoverTemps(dir: string): TailRepair[] {
  return leftoverTemps(dir).map((name) => {
    const path = join(dir, name);
    const droppedBytes = statSync(path).size;
    rmSync(path, { force: true });
    return { file: name, offset: 0, droppedBytes, reason: 'temp file left by an interrupted write of the index files', truncated: true };
  });
}

/**
 * A blob pack that does not read back cannot be mended by running episodes again (a blob
 * written again is found under its name and not rewritten): the run must be copied.
 */
function refuseDamagedPacks(dir: string, damage: ShardDamage[]): void {
  const pack = damage.find((d) => d.file.startsWith('blobs/'));
  if (!pack) return;
  throw new CorruptRecordError(
    `${dir}: ${pack.file} is damaged at offset ${pack.offset} (${pack.reason}), so blobs that episodes name are lost; ` +
      `copy the good episodes to a new run and resume that one instead: workgym data repair ${dir} --out ${dir}-repaired`,
    pack.file,
    pack.offset,
  );
}

/**
 * Drops the episodes of damaged records from the index (the run no longer has them) and records
 * each damaged stretch in its shard's table entry, so that readers skip it from now on.
 */
function recordKnownDamage(state: RunState, damage: ShardDamage[], foundAt: string): void {
  if (damage.length === 0) return;
  state.index.remove(new Set(damage.flatMap((d) => d.episodes)));
  for (const d of damage) {
    const name = d.file.slice('shards/'.length);
    const entry = state.table.shards.find((s) => s.name === name);
    if (!entry) {
      // The file is gone: nothing is left to skip.
      state.index.covered.delete(name);
      continue;
    }
    (entry.damaged ??= []).push({ offset: d.offset, end: d.end, reason: d.reason, episodes: d.episodes, foundAt });
  }
}
