import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { EpisodeIndex } from '../src/episode-index.js';
import { openRun } from '../src/index.js';
import { makeEpisode } from './make-episode.js';
import { writeRun } from './temp-dir.js';

const records = [1, 2, 3].map((seed) => makeEpisode({ seed, episodeId: `ep-${seed}` }));

describe('episodes.idx', () => {
  it('is read lazily: a run opens and streams without decoding entries, and get() decodes them', async () => {
    const dir = await writeRun(records, { finalize: true });
    const index = EpisodeIndex.load(join(dir, 'episodes.idx'))!;
    expect(index.covered.size).toBe(1);
    expect(index.get('ep-2')?.episodeId).toBe('ep-2');
    expect(index.entries.map((e) => e.episodeId)).toEqual(['ep-1', 'ep-2', 'ep-3']);
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
