import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, ftruncateSync, mkdirSync, writeSync, writevSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fsyncDirSync } from './atomic-file.js';
import { BlobStore } from './blob-store.js';
import { EpisodeIndex } from './episode-index.js';
import { summarize } from './episode-summary.js';
import { CorruptRecordError, DuplicateEpisodeError, InvalidRecordError, RunExistsError, WriterClosedError } from './errors.js';
import { frameHeader } from './frame.js';
import { isEpisodeStatus, EPISODE_STATUSES } from './record.js';
import type { EpisodeRecord, ToolSchema } from './record.js';
import { RecordCodec } from './record-codec.js';
import { messagePlan, normalizeMessage } from './record-schema.js';
import type { RunCounts, RunManifest, ShardEntry, ShardTable } from './run-files.js';
import { runPaths, shardName, writeManifest, writeShardTable } from './run-files.js';
import { acquireRunLock, releaseRunLock } from './run-lock.js';
import { loadRunState } from './run-state.js';
import type { TailRepair } from './run-state.js';
import { createShardSync } from './shard-file.js';
import { toolsCanonicalJson } from './task.js';
import { TRAJECTORIES_VERSION } from './versions.js';

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
}

export interface ResumeRunOptions {
  shardBytes?: number;
}

export interface AppendResult {
  episodeId: string;
  shard: string;
  offset: number;
  length: number;
}

interface ActiveShard {
  name: string;
  fd: number;
  bytes: number;
  records: number;
  hash: Hash;
}

/**
 * Appends episode records to a run folder.
 *
 * Durability contract: when `append()` resolves, the record has been handed to the OS
 * (write(2) returned), so a crash of this process loses nothing acknowledged and a record
 * cut short mid-write is cut off when the run is next opened. Power loss or a kernel crash
 * loses at most what was appended since the last `flush()` (which fsyncs the shard, new
 * blobs and the indexes), shard rotation or `finalize()`.
 *
 * Calls from any number of concurrent tasks are serialised, in call order.
 */
export class RunWriter implements AsyncDisposable {
  private active: ActiveShard | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private state: 'open' | 'closed' | 'broken' = 'open';
  private readonly codec = RecordCodec.current();
  private readonly plan = messagePlan();
  private readonly toolHashesByArray = new WeakMap<object, { hash: string; tools: ToolSchema[] }>();
  private readonly toolHashes = new Map<string, string>();
  private nextShard: number;

  private constructor(
    readonly dir: string,
    private manifest: RunManifest,
    private readonly table: ShardTable,
    private readonly index: EpisodeIndex,
    private readonly blobs: BlobStore,
    private readonly shardBytes: number,
    /** Torn tails cut off when the run was reopened. */
    readonly repairs: TailRepair[],
  ) {
    this.nextShard = table.shards.reduce((n, s) => Math.max(n, Number.parseInt(s.name, 10) + 1), 0);
  }

  get runId(): string {
    return this.manifest.runId;
  }

  /** Creates a run in `dir` (which may exist, but must not hold a run). */
  static async create(dir: string, options: CreateRunOptions = {}): Promise<RunWriter> {
    const paths = runPaths(dir);
    mkdirSync(dir, { recursive: true });
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
      const writer = new RunWriter(
        dir,
        manifest,
        { formatVersion: 1, shards: [] },
        new EpisodeIndex(),
        new BlobStore(paths.blobs),
        options.shardBytes ?? DEFAULT_SHARD_BYTES,
        [],
      );
      writer.startShard();
      writer.persistIndexes();
      return writer;
    } catch (error) {
      releaseRunLock(dir);
      throw error;
    }
  }

  /**
   * Reopens a run to append more episodes: cuts off a torn tail (see `repairs`), seals the
   * shards written before and starts a new one. Skip the ids in `episodeIds()`.
   */
  static async resume(dir: string, options: ResumeRunOptions = {}): Promise<RunWriter> {
    acquireRunLock(dir);
    try {
      const state = await loadRunState(dir, { repair: true });
      const first = state.damage[0];
      if (first) {
        throw new CorruptRecordError(
          `${dir}: shard ${first.shard} is damaged at offset ${first.offset} (${first.reason}); ` +
            'run `workgym data verify` on it and copy the good episodes to a new run before appending',
          first.shard,
          first.offset,
        );
      }
      state.blobs.removeTempFiles();
      const table = state.table;
      for (const { name, size } of state.shards) {
        let entry = table.shards.find((s) => s.name === name);
        if (!entry) {
          entry = { name, records: 0, bytes: 0, sha256: null, sealed: false };
          table.shards.push(entry);
        }
        if (entry.sealed) continue;
        entry.records = state.index.entries.filter((e) => e.shard === name).length;
        entry.bytes = size;
        entry.sha256 = await sha256File(join(runPaths(dir).shards, name));
        entry.sealed = true;
      }
      table.shards = table.shards.filter((s) => state.shards.some((x) => x.name === s.name));
      const manifest: RunManifest = {
        ...state.manifest,
        status: 'open',
        endedAt: null,
        resumedAt: [...state.manifest.resumedAt, new Date().toISOString()],
      };
      writeManifest(dir, manifest);
      const writer = new RunWriter(
        dir,
        manifest,
        table,
        state.index,
        state.blobs,
        options.shardBytes ?? DEFAULT_SHARD_BYTES,
        state.repairs,
      );
      writer.startShard();
      writer.persistIndexes();
      return writer;
    } catch (error) {
      releaseRunLock(dir);
      throw error;
    }
  }

  /** Stores bytes (a screenshot, a workbook) once; returns the sha256 to put in the record. */
  async putBlob(bytes: Uint8Array): Promise<string> {
    this.assertOpen();
    return this.blobs.putSync(bytes);
  }

  append(record: EpisodeRecord): Promise<AppendResult> {
    return this.serialized(() => this.appendNow(record));
  }

  has(episodeId: string): boolean {
    return this.index.has(episodeId);
  }

  /** Ids of every episode in the run, in store order. */
  episodeIds(): string[] {
    return this.index.entries.map((e) => e.episodeId);
  }

  get size(): number {
    return this.index.size;
  }

  /** Makes everything appended so far durable: fsyncs the shard, new blobs and the indexes. */
  flush(): Promise<void> {
    return this.serialized(() => {
      this.assertOpen();
      this.flushNow();
    });
  }

  /** Flushes, seals the last shard and marks the run finalised with its counts. */
  finalize(): Promise<RunManifest> {
    return this.serialized(() => {
      this.assertOpen();
      this.flushNow();
      this.sealActive();
      this.persistIndexes();
      this.manifest = { ...this.manifest, status: 'finalised', endedAt: new Date().toISOString(), counts: this.counts() };
      writeManifest(this.dir, this.manifest);
      this.state = 'closed';
      releaseRunLock(this.dir);
      return this.manifest;
    });
  }

  /** Flushes and releases the run without finalising it (it can be resumed). Idempotent. */
  close(): Promise<void> {
    return this.serialized(() => {
      if (this.state === 'closed') return;
      try {
        if (this.state === 'open') this.flushNow();
      } finally {
        if (this.active) closeSync(this.active.fd);
        this.active = undefined;
        this.state = 'closed';
        releaseRunLock(this.dir);
      }
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private serialized<T>(work: () => T): Promise<T> {
    const result = this.chain.then(work);
    this.chain = result.catch(() => undefined);
    return result;
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

  private appendNow(record: EpisodeRecord): AppendResult {
    this.assertOpen();
    const episodeId = record.episodeId;
    if (!episodeId) throw new InvalidRecordError('record has no episodeId; every episode needs an id unique in its run');
    if (this.index.has(episodeId)) throw new DuplicateEpisodeError(episodeId);
    if (!isEpisodeStatus(record.status)) {
      throw new InvalidRecordError(
        `episode ${episodeId}: status ${JSON.stringify(record.status)} is not one of ${EPISODE_STATUSES.join(', ')}`,
      );
    }
    const stored = normalizeMessage(this.plan, record);
    this.storeTools(record, stored, episodeId);
    const payload = this.codec.encode(stored);
    const header = frameHeader(payload);
    const length = header.length + payload.length;
    if (this.active!.records > 0 && this.active!.bytes + length > this.shardBytes) this.rotate();
    const shard = this.active!;
    const offset = shard.bytes;
    this.writeFrame(shard, header, payload);
    shard.hash.update(header).update(payload);
    shard.bytes += length;
    shard.records++;
    const location = { shard: shard.name, offset, length };
    this.index.add(summarize(record, location));
    return { episodeId, ...location };
  }

  /** Replaces the tool list by its blob (see ToolsCache); checks a given tools_hash. */
  private storeTools(record: EpisodeRecord, stored: Record<string, unknown>, episodeId: string): void {
    const tools = stored.tools as ToolSchema[];
    // Rollouts hand the same tools array to every episode of an env; when its entries still
    // hold the same strings (compared by ===, usually the same objects), reuse the hash.
    const seen = record.tools ? this.toolHashesByArray.get(record.tools) : undefined;
    let hash = seen && sameTools(seen.tools, tools) ? seen.hash : undefined;
    if (!hash) {
      const canonical = toolsCanonicalJson(tools);
      hash = this.toolHashes.get(canonical);
      if (!hash) {
        hash = this.blobs.putSync(canonical);
        this.toolHashes.set(canonical, hash);
      }
      if (record.tools) this.toolHashesByArray.set(record.tools, { hash, tools });
    }
    const given = stored.toolsHash as string;
    if (given && given !== hash) {
      throw new InvalidRecordError(
        `episode ${episodeId}: toolsHash ${given} does not match its tools (${hash}); ` +
          'leave it empty or compute it with toolsHash() from @workgym/trajectories',
      );
    }
    stored.toolsHash = hash;
    if (tools.length > 0) stored.tools = undefined;
  }

  private writeFrame(shard: ActiveShard, header: Buffer, payload: Buffer): void {
    const total = header.length + payload.length;
    try {
      // Explicit positions: after a failed write the next one starts where the good data ends.
      let written = writevSync(shard.fd, [header, payload], shard.bytes);
      if (written < total) {
        const whole = Buffer.concat([header, payload]);
        while (written < total) written += writeSync(shard.fd, whole, written, total - written, shard.bytes + written);
      }
    } catch (error) {
      // Leave no partial frame behind, so later appends stay readable.
      try {
        ftruncateSync(shard.fd, shard.bytes);
      } catch {
        this.state = 'broken';
      }
      throw error;
    }
  }

  private startShard(): void {
    const name = shardName(this.nextShard++);
    const { fd, header } = createShardSync(join(runPaths(this.dir).shards, name), this.codec);
    fsyncDirSync(runPaths(this.dir).shards);
    this.active = { name, fd, bytes: header.length, records: 0, hash: createHash('sha256').update(header) };
    this.index.covered.set(name, header.length);
    this.table.shards.push({ name, records: 0, bytes: header.length, sha256: null, sealed: false });
  }

  private rotate(): void {
    this.flushNow();
    this.sealActive();
    this.startShard();
    this.persistIndexes();
  }

  private sealActive(): void {
    const shard = this.active!;
    fsyncSync(shard.fd);
    closeSync(shard.fd);
    Object.assign(this.entry(shard.name), {
      records: shard.records,
      bytes: shard.bytes,
      sha256: shard.hash.digest('hex'),
      sealed: true,
    } satisfies Partial<ShardEntry>);
    this.active = undefined;
  }

  private flushNow(): void {
    const shard = this.active;
    if (shard) {
      fsyncSync(shard.fd);
      Object.assign(this.entry(shard.name), { records: shard.records, bytes: shard.bytes });
    }
    this.blobs.syncSync();
    this.persistIndexes();
  }

  private persistIndexes(): void {
    writeShardTable(this.dir, this.table);
    this.index.save(runPaths(this.dir).episodes);
  }

  private entry(name: string): ShardEntry {
    return this.table.shards.find((s) => s.name === name)!;
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

function sameTools(a: ToolSchema[], b: ToolSchema[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || x.description !== y.description || x.parametersJson !== y.parametersJson) return false;
  }
  return true;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
