import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CorruptRecordError, RunExistsError } from '../errors.js';
import { leftoverTemps } from '../storage/atomic-file.js';
import { BlobStore } from '../storage/blob-store.js';
import type { RunManifest, ShardEntry, ShardTable } from '../storage/run-files.js';
import { readManifest, runPaths, writeManifest } from '../storage/run-files.js';
import { acquireRunLock, releaseRunLock } from '../storage/run-lock.js';
import { segmentDigest } from '../storage/segment-file.js';
import type { SegmentKind } from '../storage/segment-file.js';
import { runWriteFailure } from '../storage/write-failure.js';
import { TRAJECTORIES_VERSION } from '../versions.js';
import { EpisodeIndex } from './episode-index.js';
import { findDamagedRecords } from './record-check.js';
import { loadRunState } from './run-state.js';
import type { RunState, ShardDamage, TailRepair } from './run-state.js';
import { RunWriter } from './run-writer.js';

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

/** Creates a run in `dir` (which may exist, but must not hold a run). */
export async function createRun(dir: string, options: CreateRunOptions = {}): Promise<RunWriter> {
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
    const blobs = new BlobStore(paths.blobs);
    const { shardBytes, packBytes } = options;
    return new RunWriter(dir, { manifest, table, index: new EpisodeIndex(), blobs, repairs: [], damaged: [], resumed: false, shardBytes, packBytes });
  } catch (error) {
    releaseRunLock(dir);
    throw runWriteFailure(error, dir, 'the run was not created');
  }
}

/**
 * Reopens a run to append more episodes: cuts off a torn tail and removes temp files left by
 * an interrupted write (the writer's `repairs`), checks every record, seals the shards and packs
 * written before and starts new ones. A damaged record is recorded as known damage in
 * index.json and its episode dropped (the writer's `damaged`), so that `has()` is false for it
 * and a resume runs it again; a damaged blob pack is refused (see repairRun). Skip the ids in
 * `episodeIds()`.
 */
export async function resumeRun(dir: string, options: ResumeRunOptions = {}): Promise<RunWriter> {
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
    const { index, blobs, repairs } = state;
    const { shardBytes, packBytes } = options;
    return new RunWriter(dir, { manifest, table, index, blobs, repairs, damaged: damage, resumed: true, shardBytes, packBytes });
  } catch (error) {
    releaseRunLock(dir);
    throw runWriteFailure(error, dir, 'the run is as it was before the resume: make room, then resume it');
  }
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
