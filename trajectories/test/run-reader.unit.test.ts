import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun, openRun } from '../src/index.js';
import type { EpisodeRecord } from '../src/index.js';
import { makeEpisode } from './make-episode.js';
import { tempDir, writeRun } from './temp-dir.js';

function mixedEpisodes(): EpisodeRecord[] {
  return [
    makeEpisode({ seed: 1, env: 'browser', status: 'success', reward: 1 }),
    makeEpisode({ seed: 2, env: 'browser', status: 'failure', reward: 0.25 }),
    makeEpisode({ seed: 3, env: 'code', family: 'code/fix-test', status: 'truncated', reward: 0.5 }),
    makeEpisode({ seed: 4, env: 'code', family: 'code/fix-test', status: 'success', reward: 0.9 }),
    makeEpisode({ seed: 5, env: 'spreadsheet', family: 'spreadsheet/pivot', status: 'infra_error', reward: 0 }),
  ];
}

async function ids(dir: string, filter: Parameters<Awaited<ReturnType<typeof openRun>>['records']>[0]): Promise<string[]> {
  await using reader = await openRun(dir);
  const out: string[] = [];
  for await (const record of reader.records(filter)) out.push(record.episodeId!);
  return out;
}

describe('RunReader', () => {
  it('streams records filtered by env, family, status and reward range', async () => {
    const dir = await writeRun(mixedEpisodes());
    expect(await ids(dir, { env: 'code' })).toEqual(['ep-000003', 'ep-000004']);
    expect(await ids(dir, { family: ['spreadsheet/pivot', 'browser/shop-buy-cheapest'] })).toEqual(['ep-000001', 'ep-000002', 'ep-000005']);
    expect(await ids(dir, { status: 'success' })).toEqual(['ep-000001', 'ep-000004']);
    expect(await ids(dir, { minReward: 0.25, maxReward: 0.9 })).toEqual(['ep-000002', 'ep-000003', 'ep-000004']);
    expect(await ids(dir, { env: 'browser', successOnly: true })).toEqual(['ep-000001']);
    expect(await ids(dir, {})).toHaveLength(5);
  });

  it('fetches one episode by id through the index, without reading other records', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    const placed = [];
    for (const record of mixedEpisodes()) placed.push(await writer.append(record));
    await writer.close();
    // Garble every other record: a scan would trip over them, a lookup never reads them.
    const shard = join(dir, 'shards', placed[0]!.shard);
    const bytes = readFileSync(shard);
    for (const p of placed) if (p.episodeId !== 'ep-000004') bytes.fill(0xee, p.offset + 20, p.offset + p.length);
    writeFileSync(shard, bytes);

    await using reader = await openRun(dir);
    expect((await reader.get('ep-000004'))?.family).toBe('code/fix-test');
    expect(await reader.get('ep-999999')).toBeUndefined();
  });

  it('rebuilds a missing or stale episode index from the shards', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    await writer.append(makeEpisode({ seed: 1 }));
    await writer.flush();
    const flushedIndex = readFileSync(join(dir, 'episodes.idx'));
    await writer.append(makeEpisode({ seed: 2 }));
    await writer.close();

    // Stale: an index from before the last append.
    writeFileSync(join(dir, 'episodes.idx'), flushedIndex);
    let reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(['ep-000001', 'ep-000002']);
    expect((await reader.get('ep-000002'))?.seed).toBe(2);
    await reader.close();

    // Missing, with the blob index too.
    rmSync(join(dir, 'episodes.idx'));
    rmSync(join(dir, 'blobs.idx'));
    reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(['ep-000001', 'ep-000002']);
    expect((await reader.get('ep-000001'))?.tools).toHaveLength(8);
    await reader.close();
  });

  it('sees a run that is still being written, up to its last append', async () => {
    const dir = join(tempDir(), 'run');
    await using writer = await createRun(dir);
    await writer.append(makeEpisode({ seed: 1 }));
    await using reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(['ep-000001']);
    expect(reader.manifest.status).toBe('open');
  });
});
