import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { EpisodeIndex } from '../src/run/episode-index.js';
import { summarize } from '../src/run/episode-summary.js';
import { createRun, openRun } from '../src/index.js';
import { makeEpisode } from './make-episode.js';
import { tempDir, writeRun } from './temp-dir.js';

// One failed with a fractional reward: booleans and floats go through the index too.
const records = [1, 2, 3].map((seed) => makeEpisode({ seed, episodeId: `ep-${seed}`, ...(seed === 2 ? { status: 'failure', reward: 0.25 } : {}) }));

describe('episodes.idx', () => {
  it('is read lazily: a run opens and streams without decoding entries, and get() decodes them', async () => {
    const dir = await writeRun(records, { finalize: true });
    const index = EpisodeIndex.load(join(dir, 'episodes.idx'))!;
    expect(index.covered.size).toBe(1);
    expect(index.get('ep-2')?.episodeId).toBe('ep-2');
    expect(index.entries.map((e) => e.episodeId)).toEqual(['ep-1', 'ep-2', 'ep-3']);
  });

  it('keeps every field of every entry through a write and a load, also across several flushes', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    await writer.append(records[0]!);
    await writer.flush();
    for (const record of records.slice(1)) await writer.append(record);
    await writer.finalize();
    const loaded = EpisodeIndex.load(join(dir, 'episodes.idx'))!;
    expect(loaded.entries.map((e) => e.episodeId)).toEqual(records.map((r) => r.episodeId));
    // Every field: the entries are exactly the summaries of the records at their places.
    await using reader = await openRun(dir);
    for (const entry of loaded.entries) {
      const record = (await reader.get(entry.episodeId))!;
      expect(entry).toEqual(summarize(record, { shard: entry.shard, offset: entry.offset, length: entry.length }));
    }
  });

  it('appends to an index it loaded: entries read from the file and added after it are all written', async () => {
    const dir = await writeRun(records.slice(0, 2), { finalize: true });
    const path = join(dir, 'episodes.idx');
    const index = EpisodeIndex.load(path)!;
    index.add({ ...index.entries[1]!, episodeId: 'ep-extra', offset: 99 });
    writeFileSync(path, index.encode());
    const again = EpisodeIndex.load(path)!;
    expect(again.entries.map((e) => [e.episodeId, e.offset])).toEqual([...index.entries.slice(0, 2).map((e) => [e.episodeId, e.offset]), ['ep-extra', 99]]);
  });

  it('still reads version 2 files (entries as msgpackr records)', async () => {
    const dir = await writeRun(records, { finalize: true });
    const path = join(dir, 'episodes.idx');
    const current = EpisodeIndex.load(path)!;
    const entries = new Packr({ useRecords: true }).pack(current.entries);
    const v2 = { version: 2, covered: [...current.covered], crc32: crc32(entries), entries };
    writeFileSync(path, new Packr({ useRecords: false }).pack(v2));
    const index = EpisodeIndex.load(path)!;
    expect(index.entries).toEqual(current.entries);
    // Rewritten before anything decoded its entries, it still holds them all (as version 3).
    writeFileSync(path, EpisodeIndex.load(path)!.encode());
    expect(EpisodeIndex.load(path)!.entries).toEqual(current.entries);
    await using reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(['ep-1', 'ep-2', 'ep-3']);
  });

  it('still reads version 1 files (entries inline, msgpackr records)', async () => {
    const dir = await writeRun(records, { finalize: true });
    const path = join(dir, 'episodes.idx');
    const current = EpisodeIndex.load(path)!;
    const v1 = { version: 1, covered: [...current.covered], entries: current.entries };
    writeFileSync(path, new Packr({ useRecords: true }).pack(v1));
    await using reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(['ep-1', 'ep-2', 'ep-3']);
    expect((await reader.get('ep-3'))?.seed).toBe(records[2]!.seed);
  });

  it('is rebuilt from the shards when its entries fail their CRC', async () => {
    const dir = await writeRun(records, { finalize: true });
    const path = join(dir, 'episodes.idx');
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    writeFileSync(path, bytes);
    expect(EpisodeIndex.load(path)).toBeUndefined();
    await using reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(['ep-1', 'ep-2', 'ep-3']);
  });
});
