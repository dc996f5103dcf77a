import { createHash } from 'node:crypto';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun, openRun, resumeRun, toolsHash, verifyRun } from '../src/index.js';
import type { EpisodeRecord } from '../src/index.js';
import { fullEpisode } from './full-episode.js';
import { makeEpisode } from './make-episode.js';
import { tempDir } from './temp-dir.js';

/**
 * Written by the store before it used msgpackr (its hand-written msgpack encoder, shards
 * hashed on a worker thread): a blob, fullEpisode() naming it, makeEpisode({ seed: 7, steps: 3,
 * logprobs: true }), finalised.
 */
const FIXTURE = join(import.meta.dirname, 'fixtures', 'run-before-msgpackr');
const SHOT = Buffer.from('a screenshot');

/** Fields fullEpisode() gained after the fixture was written: they read back as their defaults. */
const ADDED_SINCE = {
  difficulty: '',
  verifierVersion: '',
  scenario: '',
  rewardMode: '',
  shapedReward: undefined,
  infeasible: false,
  verdictDetail: '',
  stateChanges: [],
  stateChangesTruncated: false,
};

/** A person's turns in a step's results came after the fixture too: they read back as none. */
function withoutPeople(record: EpisodeRecord): EpisodeRecord {
  return { ...record, steps: record.steps?.map((step) => ({ ...step, results: step.results?.map((result) => ({ ...result, people: [] })) })) };
}

function written(): EpisodeRecord[] {
  const shot = createHash('sha256').update(SHOT).digest('hex');
  return [withoutPeople({ ...fullEpisode([{ sha256: shot, size: SHOT.length }]), ...ADDED_SINCE }), makeEpisode({ seed: 7, steps: 3, logprobs: true })];
}

async function readAll(dir: string): Promise<EpisodeRecord[]> {
  await using reader = await openRun(dir);
  const out: EpisodeRecord[] = [];
  for await (const record of reader.records()) out.push(record);
  return out;
}

describe('a run written before the store used msgpackr', () => {
  it('verifies and reads back as written', async () => {
    const dir = join(tempDir(), 'run');
    cpSync(FIXTURE, dir, { recursive: true });
    expect(await verifyRun(dir)).toMatchObject({ ok: true });
    const records = await readAll(dir);
    // fullEpisode sets every field the record had then: it comes back as it went in.
    const full = written()[0]!;
    expect(records[0]).toEqual({ ...full, toolsHash: toolsHash(full.tools!) });
    // Defaults filled in as today's store fills them.
    const today = join(tempDir(), 'today');
    const writer = await createRun(today);
    await writer.putBlob(SHOT);
    for (const record of written()) await writer.append(record);
    await writer.finalize();
    expect(records).toEqual(await readAll(today));
    await using reader = await openRun(dir);
    expect(Buffer.from(await reader.blob(written()[0]!.steps![0]!.observation!.images![0]!.sha256!)).equals(SHOT)).toBe(true);
  });

  it('resumes: new episodes go beside the old ones and the run still verifies', async () => {
    const dir = join(tempDir(), 'run');
    cpSync(FIXTURE, dir, { recursive: true });
    const writer = await resumeRun(dir);
    await writer.append(makeEpisode({ seed: 8 }));
    await writer.finalize();
    expect(await verifyRun(dir)).toMatchObject({ ok: true });
    expect((await readAll(dir)).map((r) => r.episodeId)).toEqual([...written(), makeEpisode({ seed: 8 })].map((r) => r.episodeId));
  });
});
