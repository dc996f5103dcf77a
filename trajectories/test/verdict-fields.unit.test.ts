import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTranscript, openRun, type EpisodeRecord } from '../src/index.js';
import { tempDir, writeRun } from './temp-dir.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'run-before-msgpackr');

const episode = (seed: number, fields: Partial<EpisodeRecord>): EpisodeRecord => ({
  episodeId: `spreadsheet/computed-column:train:${seed}:0`,
  groupId: `spreadsheet/computed-column:train:${seed}`,
  env: 'spreadsheet',
  family: 'spreadsheet/computed-column',
  seed,
  split: 'train',
  status: 'failure',
  steps: [],
  ...fields,
});

async function readAll(dir: string): Promise<EpisodeRecord[]> {
  await using run = await openRun(dir);
  const records: EpisodeRecord[] = [];
  for await (const record of run.records()) records.push(record);
  return records;
}

describe("the verdict's detail and the state changes of a record", () => {
  it('come back from the store as written: an added key without a before, a removed one without an after', async () => {
    const changes = [
      { key: 'cell:Sales!B7', before: '{"value":1}', after: '{"formula":"=B6+1","value":2}' },
      { key: 'cell:Sales!C7', after: '{"value":"x"}' },
      { key: 'cell:Sales!D7', before: '{"value":"y"}', truncated: true },
    ];
    const dir = await writeRun([episode(1, { verdictDetail: 'B7 is wrong', stateChanges: changes, stateChangesTruncated: true }), episode(2, {})]);
    const [first, second] = await readAll(dir);
    expect(first).toMatchObject({ verdictDetail: 'B7 is wrong', stateChangesTruncated: true });
    expect(first!.stateChanges!.map((c) => ({ ...c }))).toEqual([
      { key: 'cell:Sales!B7', before: '{"value":1}', after: '{"formula":"=B6+1","value":2}', truncated: false },
      { key: 'cell:Sales!C7', before: undefined, after: '{"value":"x"}', truncated: false },
      { key: 'cell:Sales!D7', before: '{"value":"y"}', after: undefined, truncated: true },
    ]);
    expect(second).toMatchObject({ verdictDetail: '', stateChanges: [], stateChangesTruncated: false });
  });

  it('read as empty in a run written before them', async () => {
    const dir = join(tempDir(), 'run');
    cpSync(FIXTURE, dir, { recursive: true });
    const records = await readAll(dir);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(record).toMatchObject({ verdictDetail: '', stateChanges: [], stateChangesTruncated: false });
  });

  it('are shown on the transcript: the detail, and how many things changed with their keys', () => {
    const text = formatTranscript(
      episode(1, { verdictDetail: 'B7 is wrong', stateChanges: [{ key: 'cell:Sales!B7', before: '1', after: '2' }], stateChangesTruncated: true }),
    );
    expect(text).toMatch(/^verdict {2}B7 is wrong$/m);
    expect(text).toMatch(/^changed {2}1 thing in the env's state \(more left out\): cell:Sales!B7$/m);
    expect(formatTranscript(episode(2, {}))).not.toMatch(/^(verdict|changed) /m);
  });
});
