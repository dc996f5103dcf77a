import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpisodeSummary } from './episode-summary.js';
import { checkFrame } from '../storage/frame.js';
import { runPaths } from '../storage/run-files.js';
import type { RunState, ShardDamage } from './run-state.js';

const CHUNK_BYTES = 8 << 20;

/**
 * Checks the frame (header and CRC-32) of every episode the index lists, reading each shard
 * front to back in large chunks; no record is decoded. Returns the damaged ones, one entry per
 * episode, leaving out episodes `state.damage` already names. This is how damage inside sealed
 * shards (which opening a run does not read) is found.
 */
export async function findDamagedRecords(state: RunState): Promise<ShardDamage[]> {
  const named = new Set(state.damage.flatMap((d) => d.episodes));
  const byShard = new Map<string, EpisodeSummary[]>();
  for (const entry of state.index.entries) {
    if (named.has(entry.episodeId)) continue;
    const list = byShard.get(entry.shard) ?? [];
    list.push(entry);
    byShard.set(entry.shard, list);
  }
  const found: ShardDamage[] = [];
  for (const [name, entries] of byShard) {
    entries.sort((a, b) => a.offset - b.offset);
    const fh = await open(join(runPaths(state.dir).shards, name), 'r');
    try {
      await checkShard(fh, `shards/${name}`, entries, found);
    } finally {
      await fh.close();
    }
  }
  return found;
}

async function checkShard(fh: FileHandle, file: string, entries: EpisodeSummary[], found: ShardDamage[]): Promise<void> {
  for (let i = 0; i < entries.length;) {
    const first = entries[i]!;
    let last = i;
    while (last + 1 < entries.length && entryEnd(entries[last + 1]!) - first.offset <= CHUNK_BYTES) last++;
    const buf = Buffer.allocUnsafe(Math.max(...entries.slice(i, last + 1).map(entryEnd)) - first.offset);
    const { bytesRead } = await fh.read(buf, 0, buf.length, first.offset);
    const read = buf.subarray(0, bytesRead);
    for (const entry of entries.slice(i, last + 1)) {
      const reason = frameProblem(read, entry.offset - first.offset, entry.length);
      if (reason) found.push({ file, offset: entry.offset, end: entryEnd(entry), reason, episodes: [entry.episodeId] });
    }
    i = last + 1;
  }
}

const entryEnd = (entry: EpisodeSummary) => entry.offset + entry.length;

function frameProblem(buf: Buffer, at: number, length: number): string | undefined {
  const check = checkFrame(buf.subarray(0, at + length), at);
  if (check.kind === 'ok') return check.length === length ? undefined : 'the frame there is not the one the episode index lists';
  if (check.kind === 'bad') return check.reason;
  return buf.length < at + length
    ? `the file ends ${at + length - buf.length} bytes into the record`
    : 'the frame there is not the one the episode index lists';
}
