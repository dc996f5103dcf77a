import { existsSync, readdirSync } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobStore } from './blob-store.js';
import { EpisodeIndex } from './episode-index.js';
import { summarize } from './episode-summary.js';
import type { EpisodeRecord } from './record.js';
import type { RunManifest, ShardTable } from './run-files.js';
import { readManifest, readShardTable, runPaths } from './run-files.js';
import { readShardHeader, scanFrames } from './shard-file.js';
import type { ScanEnd } from './shard-file.js';
import { ToolsCache } from './stored-record.js';

/** A torn tail found when the run was opened, and what was done about it. */
export interface TailRepair {
  shard: string;
  /** Where the last whole record ends: the shard was (or would be) cut here. */
  offset: number;
  droppedBytes: number;
  reason: string;
  /** False when a live writer holds the run, so the reader only skipped the bytes. */
  truncated: boolean;
}

/** Damage inside a shard (not a torn tail): records from `offset` on are unreachable. */
export interface ShardDamage {
  shard: string;
  offset: number;
  reason: string;
}

export interface RunState {
  dir: string;
  manifest: RunManifest;
  table: ShardTable;
  index: EpisodeIndex;
  /** Shard names in order, with the size each is read up to. */
  shards: { name: string; size: number }[];
  repairs: TailRepair[];
  damage: ShardDamage[];
  blobs: BlobStore;
  tools: ToolsCache;
  /** True when the episode index had to be (partly) rebuilt from the shards. */
  indexRebuilt: boolean;
}

/**
 * Reads a run's files and brings the episode index up to date with the shards, scanning
 * only what the index does not cover. With `repair`, a torn tail is cut off the shard.
 */
export async function loadRunState(dir: string, options: { repair: boolean }): Promise<RunState> {
  const manifest = readManifest(dir);
  const paths = runPaths(dir);
  const table = readShardTable(dir);
  const names = existsSync(paths.shards) ? readdirSync(paths.shards).filter((n) => n.endsWith('.wgs')).sort() : [];
  const sizes = new Map<string, number>();
  for (const name of names) sizes.set(name, (await stat(join(paths.shards, name))).size);

  let index = EpisodeIndex.load(paths.episodes);
  if (index && [...index.covered].some(([name, bytes]) => (sizes.get(name) ?? -1) < bytes)) index = undefined;
  const indexRebuilt = !index || names.some((n) => index!.covered.get(n) !== sizes.get(n));
  index ??= new EpisodeIndex();

  const blobs = new BlobStore(paths.blobs);
  const state: RunState = {
    dir,
    manifest,
    table,
    index,
    shards: [],
    repairs: [],
    damage: [],
    blobs,
    tools: new ToolsCache(blobs),
    indexRebuilt,
  };
  for (const name of names) {
    const size = sizes.get(name)!;
    const entry = table.shards.find((s) => s.name === name);
    const readUpTo = await catchUp(state, name, size, entry?.sealed ?? false, entry?.bytes ?? 0, options.repair);
    if (readUpTo !== undefined) state.shards.push({ name, size: readUpTo });
  }
  return state;
}

/** Indexes the frames of one shard past what the index covers; returns how far it is good. */
async function catchUp(
  state: RunState,
  name: string,
  size: number,
  sealed: boolean,
  durableBytes: number,
  repair: boolean,
): Promise<number | undefined> {
  const covered = state.index.covered.get(name);
  if (covered === size) return size;
  const path = join(runPaths(state.dir).shards, name);
  const fh = await open(path, repair ? 'r+' : 'r');
  try {
    const header = await readShardHeader(fh, size, name);
    if (header.kind === 'torn') {
      // Created but never given its header: nothing was ever stored in it.
      state.repairs.push({ shard: name, offset: 0, droppedBytes: size, reason: 'shard header incomplete', truncated: repair });
      if (repair) {
        await fh.close();
        await rm(path, { force: true });
      }
      return undefined;
    }
    const from = covered ?? header.dataStart;
    if (covered === undefined) state.index.covered.set(name, from);
    const result: { end?: ScanEnd } = {};
    for await (const frame of scanFrames(fh, size, from, result)) {
      // The summary needs no tool list, so the tools blob is not read here.
      const record = header.codec.decode(frame.payload) as EpisodeRecord;
      state.index.add(summarize(record, { shard: name, offset: frame.offset, length: frame.length }));
    }
    const end = result.end!;
    if (end.kind === 'clean') return size;
    const torn = !sealed && (end.kind === 'short' || end.tailLike || end.offset >= durableBytes);
    if (!torn) {
      const reason = end.kind === 'bad' ? end.reason : 'record runs past the end of a sealed shard';
      state.damage.push({ shard: name, offset: end.offset, reason });
      return end.offset;
    }
    const reason = end.kind === 'short' ? 'last record incomplete' : `last record damaged (${end.reason})`;
    state.repairs.push({ shard: name, offset: end.offset, droppedBytes: size - end.offset, reason, truncated: repair });
    if (repair) {
      await fh.truncate(end.offset);
      await fh.sync();
    }
    return end.offset;
  } finally {
    await fh.close().catch(() => undefined);
  }
}
