import { existsSync, readdirSync } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobStore } from '../storage/blob-store.js';
import { EpisodeIndex } from './episode-index.js';
import { summarize } from './episode-summary.js';
import type { EpisodeRecord } from '../record/record.js';
import type { RecordCodec } from '../codec/record-codec.js';
import type { RunManifest, ShardEntry, ShardTable } from '../storage/run-files.js';
import { readManifest, readShardTable, runPaths } from '../storage/run-files.js';
import { isTornTail, readablePieces, readSegmentStart, scanFrames } from '../storage/segment-file.js';
import type { ScanEnd, ScannedFrame, SegmentKind } from '../storage/segment-file.js';
import { ToolsCache } from './tools-cache.js';

/** A torn tail found when the run was opened, and what was done about it. */
export interface TailRepair {
  /** `shards/000003.wgs` or `blobs/000000.wgb` */
  file: string;
  /** Where the last whole frame ends: the file was (or would be) cut here. */
  offset: number;
  droppedBytes: number;
  reason: string;
  /** True when a writer (resumeRun) cut the file; readers only skip the bytes. */
  truncated: boolean;
}

/** A stretch of a segment that does not read back (not a torn tail): what was there is lost. */
export interface ShardDamage {
  /** `shards/000003.wgs` or `blobs/000000.wgb` */
  file: string;
  offset: number;
  /** Where readable frames start again; past the file's end when the file was cut short. */
  end: number;
  reason: string;
  /** Episodes whose records were there, when the episode index knew them. */
  episodes: string[];
}

export interface SegmentView {
  name: string;
  /** Read up to here: the file's size, less a torn tail. */
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
  /** Damage found while opening (known damage, recorded in index.json, is not repeated here). */
  damage: ShardDamage[];
  blobs: BlobStore;
  tools: ToolsCache;
}

/**
 * Reads a run's files and brings the episode and blob indexes up to date with the shards and
 * packs, scanning only what the indexes do not cover. Changes nothing on disk unless `repair`
 * (a writer holding the lock): then a torn tail is cut off its file.
 */
export async function loadRunState(dir: string, options: { repair: boolean }): Promise<RunState> {
  const manifest = readManifest(dir);
  const paths = runPaths(dir);
  const table = readShardTable(dir);
  const blobs = new BlobStore(paths.blobs);
  blobs.loadIndex(paths.blobIndex);
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
  };

  const shardSizes = await segmentSizes(paths.shards, '.wgs');
  noteShardsShorterThanIndexed(state, shardSizes);
  for (const [name, size] of shardSizes) {
    const entry = table.shards.find((s) => s.name === name);
    const view = await catchUp(state, 'shard', name, size, entry, options.repair, state.index.covered, (frame, codec) => {
      // The summary needs no tool list, so the tools blob is not read here.
      const record = codec!.decode(frame.payload) as EpisodeRecord;
      state.index.add(summarize(record, { shard: name, offset: frame.offset, length: frame.length }));
    });
    if (view) state.shards.push(view);
  }

  const packSizes = await segmentSizes(paths.blobs, '.wgb');
  // Blobs are not known by episode: an index claiming more than a pack holds is rebuilt.
  if (![...blobs.covered].every(([name, bytes]) => (packSizes.get(name) ?? -1) >= bytes)) blobs.clear();
  for (const [name, size] of packSizes) {
    const entry = table.packs.find((s) => s.name === name);
    const view = await catchUp(state, 'pack', name, size, entry, options.repair, blobs.covered, (frame) => {
      blobs.add(frame.payload.subarray(0, 32).toString('hex'), { pack: name, offset: frame.offset, length: frame.length });
    });
    if (view) state.packs.push(view);
  }
  return state;
}

async function segmentSizes(folder: string, extension: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (!existsSync(folder)) return sizes;
  for (const name of readdirSync(folder)
    .filter((n) => n.endsWith(extension))
    .sort()) {
    sizes.set(name, (await stat(join(folder, name))).size);
  }
  return sizes;
}

/**
 * A sealed shard shorter than the episode index says (or a shard that is gone) lost the records
 * past its end: they are damage, named by episode. An open shard cut short is treated as a torn
 * tail, as after a crash: the index forgets the records past the cut, and the scan from the last
 * whole one finds the tail.
 */
function noteShardsShorterThanIndexed(state: RunState, sizes: Map<string, number>): void {
  const forgotten = new Set<string>();
  for (const [name, covered] of state.index.covered) {
    const size = sizes.get(name) ?? -1;
    if (size >= covered) continue;
    const inShard = state.index.entries.filter((e) => e.shard === name);
    const lost = inShard.filter((e) => e.offset + e.length > size);
    const sealed = state.table.shards.find((s) => s.name === name)?.sealed ?? false;
    if (size >= 0 && !sealed) {
      for (const e of lost) forgotten.add(e.episodeId);
      const kept = inShard.filter((e) => e.offset + e.length <= size);
      if (kept.length) state.index.covered.set(name, Math.max(...kept.map((e) => e.offset + e.length)));
      else state.index.covered.delete(name);
      continue;
    }
    if (lost.length === 0) continue;
    state.damage.push({
      file: `shards/${name}`,
      offset: Math.min(...lost.map((e) => e.offset)),
      end: covered,
      reason: size < 0 ? 'the file is missing' : `the file ends ${covered - size} bytes short of the records indexed in it`,
      episodes: lost.map((e) => e.episodeId),
    });
  }
  if (forgotten.size) state.index.remove(forgotten);
}

/** Indexes the frames of one segment past what `covered` says; returns how far it can be read. */
async function catchUp(
  state: RunState,
  kind: SegmentKind,
  name: string,
  size: number,
  entry: ShardEntry | undefined,
  repair: boolean,
  covered: Map<string, number>,
  onFrame: (frame: ScannedFrame, codec: RecordCodec | undefined) => void,
): Promise<SegmentView | undefined> {
  const folder = kind === 'shard' ? runPaths(state.dir).shards : runPaths(state.dir).blobs;
  const file = `${kind === 'shard' ? 'shards' : 'blobs'}/${name}`;
  const from = covered.get(name);
  if (from !== undefined && from >= size) return { name, size };
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
    const sealed = entry?.sealed ?? false;
    const durable = entry?.bytes ?? 0;
    // Past the last flush of an open segment a bad frame is a torn write; anywhere else, damage.
    const onDamaged = (offset: number, reason: string, length: number) => {
      if (!sealed && offset >= durable) return false;
      state.damage.push({ file, offset, end: offset + length, reason, episodes: [] });
      return true;
    };
    for (const [pieceStart, pieceEnd] of readablePieces(from ?? start.dataStart, size, entry?.damaged ?? [])) {
      const result: { end?: ScanEnd } = {};
      for await (const frame of scanFrames(fh, pieceEnd, pieceStart, result, onDamaged)) onFrame(frame, start.codec);
      const end = result.end!;
      if (end.kind === 'clean') continue;
      if (pieceEnd === size && isTornTail(end, sealed, durable)) {
        const reason = end.kind === 'short' ? 'last frame incomplete' : `last frame damaged (${end.reason})`;
        state.repairs.push({ file, offset: end.offset, droppedBytes: size - end.offset, reason, truncated: repair });
        if (repair) {
          await fh.truncate(end.offset);
          await fh.sync();
        }
        return { name, size: end.offset };
      }
      const reason = end.kind === 'bad' ? end.reason : sealed ? 'the sealed file ends inside a frame' : 'a frame runs past the data that was flushed';
      state.damage.push({ file, offset: end.offset, end: pieceEnd, reason, episodes: [] });
    }
    return { name, size };
  } finally {
    await fh.close().catch(() => undefined);
  }
}
