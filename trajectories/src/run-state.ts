import { existsSync, readdirSync } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobStore } from './blob-store.js';
import { EpisodeIndex } from './episode-index.js';
import { summarize } from './episode-summary.js';
import type { EpisodeRecord } from './record.js';
import type { RecordCodec } from './record-codec.js';
import type { RunManifest, ShardEntry, ShardTable } from './run-files.js';
import { readManifest, readShardTable, runPaths } from './run-files.js';
import { isTornTail, readSegmentStart, scanFrames } from './segment-file.js';
import type { ScanEnd, ScannedFrame, SegmentKind } from './segment-file.js';
import { ToolsCache } from './tools-cache.js';

/** A torn tail found when the run was opened, and what was done about it. */
export interface TailRepair {
  /** `shards/000003.wgs` or `blobs/000000.wgb` */
  file: string;
  /** Where the last whole frame ends: the file was (or would be) cut here. */
  offset: number;
  droppedBytes: number;
  reason: string;
  /** False when a live writer holds the run, so the reader only skipped the bytes. */
  truncated: boolean;
}

/** Damage inside a segment (not a torn tail): frames from `offset` on are unreachable. */
export interface ShardDamage {
  file: string;
  offset: number;
  reason: string;
}

export interface SegmentView {
  name: string;
  /** Read up to here (the good part of the file when it was opened). */
  size: number;
}

export interface RunState {
  dir: string;
  manifest: RunManifest;
  table: ShardTable;
  index: EpisodeIndex;
  shards: SegmentView[];
  packs: SegmentView[];
  repairs: TailRepair[];
  damage: ShardDamage[];
  blobs: BlobStore;
  tools: ToolsCache;
  /** True when an index had to be (partly) rebuilt from the segments. */
  indexRebuilt: boolean;
}

/**
 * Reads a run's files and brings the episode and blob indexes up to date with the shards
 * and packs, scanning only what the indexes do not cover. With `repair`, a torn tail is cut
 * off its file.
 */
export async function loadRunState(dir: string, options: { repair: boolean }): Promise<RunState> {
  const manifest = readManifest(dir);
  const paths = runPaths(dir);
  const table = readShardTable(dir);
  const blobs = new BlobStore(paths.blobs);
  const blobIndexLoaded = blobs.loadIndex(paths.blobIndex);
  const state: RunState = {
    dir,
    manifest,
    table,
    index: EpisodeIndex.load(paths.episodes) ?? new EpisodeIndex(),
    shards: [],
    packs: [],
    repairs: [],
    damage: [],
    blobs,
    tools: new ToolsCache(blobs),
    indexRebuilt: !blobIndexLoaded,
  };

  const shardSizes = await segmentSizes(paths.shards, '.wgs');
  if (!coversConsistently(state.index.covered, shardSizes)) state.index = new EpisodeIndex();
  for (const [name, size] of shardSizes) {
    const view = await catchUp(state, 'shard', name, size, table.shards, options.repair, state.index.covered, (frame, codec) => {
      // The summary needs no tool list, so the tools blob is not read here.
      const record = codec!.decode(frame.payload) as EpisodeRecord;
      state.index.add(summarize(record, { shard: name, offset: frame.offset, length: frame.length }));
    });
    if (view) state.shards.push(view);
  }

  const packSizes = await segmentSizes(paths.blobs, '.wgb');
  if (!coversConsistently(blobs.covered, packSizes)) blobs.clear();
  for (const [name, size] of packSizes) {
    const view = await catchUp(state, 'pack', name, size, table.packs, options.repair, blobs.covered, (frame) => {
      blobs.add(frame.payload.subarray(0, 32).toString('hex'), { pack: name, offset: frame.offset, length: frame.length });
    });
    if (view) state.packs.push(view);
  }
  return state;
}

async function segmentSizes(folder: string, extension: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (!existsSync(folder)) return sizes;
  for (const name of readdirSync(folder).filter((n) => n.endsWith(extension)).sort()) {
    sizes.set(name, (await stat(join(folder, name))).size);
  }
  return sizes;
}

/** An index that claims more of a file than the file has (or a file that is gone) is stale. */
function coversConsistently(covered: Map<string, number>, sizes: Map<string, number>): boolean {
  return [...covered].every(([name, bytes]) => (sizes.get(name) ?? -1) >= bytes);
}

/** Indexes the frames of one segment past what `covered` says; returns how far it is good. */
async function catchUp(
  state: RunState,
  kind: SegmentKind,
  name: string,
  size: number,
  entries: ShardEntry[],
  repair: boolean,
  covered: Map<string, number>,
  onFrame: (frame: ScannedFrame, codec: RecordCodec | undefined) => void,
): Promise<SegmentView | undefined> {
  const folder = kind === 'shard' ? runPaths(state.dir).shards : runPaths(state.dir).blobs;
  const file = `${kind === 'shard' ? 'shards' : 'blobs'}/${name}`;
  const from = covered.get(name);
  if (from === size) return { name, size };
  state.indexRebuilt = true;
  const entry = entries.find((s) => s.name === name);
  const path = join(folder, name);
  const fh = await open(path, repair ? 'r+' : 'r');
  try {
    const start = await readSegmentStart(fh, size, file, kind);
    if (start.kind === 'torn') {
      // Created but never given its preamble: nothing was ever stored in it.
      state.repairs.push({ file, offset: 0, droppedBytes: size, reason: 'file ends inside its header', truncated: repair });
      if (repair) {
        await fh.close();
        await rm(path, { force: true });
      }
      return undefined;
    }
    if (from === undefined) covered.set(name, start.dataStart);
    const result: { end?: ScanEnd } = {};
    for await (const frame of scanFrames(fh, size, from ?? start.dataStart, result)) onFrame(frame, start.codec);
    const end = result.end!;
    if (end.kind === 'clean') return { name, size };
    if (!isTornTail(end, entry?.sealed ?? false, entry?.bytes ?? 0)) {
      const reason = end.kind === 'bad' ? end.reason : 'frame runs past the end of a sealed file';
      state.damage.push({ file, offset: end.offset, reason });
      return { name, size: end.offset };
    }
    const reason = end.kind === 'short' ? 'last frame incomplete' : `last frame damaged (${end.reason})`;
    state.repairs.push({ file, offset: end.offset, droppedBytes: size - end.offset, reason, truncated: repair });
    if (repair) {
      await fh.truncate(end.offset);
      await fh.sync();
    }
    return { name, size: end.offset };
  } finally {
    await fh.close().catch(() => undefined);
  }
}
