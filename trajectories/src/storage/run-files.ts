import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFilesAtomicSync } from './atomic-file.js';
import { BadRunFileError, RunNotFoundError } from '../errors.js';

/**
 * A run folder:
 *
 *   manifest.json   what the run is (spec, versions, start/end, counts)
 *   index.json      every shard and blob pack with its frame count, size and, once sealed,
 *                   sha256
 *   episodes.idx    episode id -> shard/offset plus a summary for filtering (msgpack; rebuilt
 *                   from the shards when missing or behind them)
 *   blobs.idx       blob sha256 -> pack/offset (msgpack; rebuilt from the packs likewise)
 *   writer.lock     pid of the live writer, when there is one
 *   shards/NNNNNN.wgs   episode records
 *   blobs/NNNNNN.wgb    blobs
 */
export const runPaths = (dir: string) => ({
  manifest: join(dir, 'manifest.json'),
  index: join(dir, 'index.json'),
  episodes: join(dir, 'episodes.idx'),
  blobIndex: join(dir, 'blobs.idx'),
  lock: join(dir, 'writer.lock'),
  shards: join(dir, 'shards'),
  blobs: join(dir, 'blobs'),
});

export interface RunCounts {
  episodes: number;
  steps: number;
  byStatus: Record<string, number>;
}

export interface RunManifest {
  format: 'workgym-run';
  formatVersion: 1;
  runId: string;
  /** What produced the run (e.g. the rollout spec), as the writer was given it. */
  spec: unknown;
  /** Versions of what wrote the run: this package, node, and whatever the caller adds. */
  versions: Record<string, string>;
  startedAt: string;
  /** Set by finalize(); null while the run is open (or was never finalised). */
  endedAt: string | null;
  status: 'open' | 'finalised';
  /** Times the run was reopened to append. */
  resumedAt: string[];
  /** Written by finalize(); the live figures are in the episode index. */
  counts: RunCounts | null;
  /** Set by repairRun(): the run this one was copied from, and what was left out. */
  repairedFrom?: { run: string; at: string; leftOut: string[] };
}

export interface ShardEntry {
  name: string;
  records: number;
  bytes: number;
  /**
   * Hex sha256, null until the file is sealed. Shards: of the whole file. Blob packs: of
   * the magic, then each frame's header and blob name in order (every blob's bytes are
   * already checked by its own sha256 name).
   */
  sha256: string | null;
  sealed: boolean;
  /**
   * Stretches of the file that do not read back, recorded by the resume that found them: readers
   * and verifyRun skip them, and the episodes that were there were run again.
   */
  damaged?: KnownDamage[];
}

/** Damage a resume found in a segment and recorded (see ShardEntry.damaged). */
export interface KnownDamage {
  offset: number;
  /** Where readable frames start again; past the file's end when the file was cut short. */
  end: number;
  reason: string;
  /** Episodes whose records were there (missing from the run since, so a resume runs them again). */
  episodes: string[];
  /** When the resume recorded it. */
  foundAt: string;
}

export interface ShardTable {
  formatVersion: 1;
  shards: ShardEntry[];
  /** Blob packs; `records` counts blobs. */
  packs: ShardEntry[];
}

export function readManifest(dir: string): RunManifest {
  const path = runPaths(dir).manifest;
  if (!existsSync(path)) {
    throw new RunNotFoundError(`${dir} holds no run (no manifest.json); pass the folder a rollout wrote, or create one with createRun()`);
  }
  const manifest = readJson(path) as RunManifest;
  if (manifest.format !== 'workgym-run' || manifest.formatVersion !== 1) {
    throw new BadRunFileError(`${path} is not a workgym run manifest of format version 1`);
  }
  return manifest;
}

export const manifestFile = (manifest: RunManifest) => ({
  name: 'manifest.json',
  data: `${JSON.stringify(manifest, null, 2)}\n`,
});

export const shardTableFile = (table: ShardTable) => ({ name: 'index.json', data: `${JSON.stringify(table, null, 2)}\n` });

export function writeManifest(dir: string, manifest: RunManifest): void {
  writeFilesAtomicSync(dir, [manifestFile(manifest)]);
}

export function readShardTable(dir: string): ShardTable {
  const path = runPaths(dir).index;
  if (!existsSync(path)) return { formatVersion: 1, shards: [], packs: [] };
  const table = readJson(path) as ShardTable;
  table.packs ??= [];
  if (table.formatVersion !== 1 || !Array.isArray(table.shards)) {
    throw new BadRunFileError(`${path} is not a shard index of format version 1; delete it and reopen the run to rebuild it`);
  }
  return table;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BadRunFileError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
