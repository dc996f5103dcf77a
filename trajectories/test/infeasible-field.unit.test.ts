import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTranscript, openRun, type EpisodeRecord } from '../src/index.js';
import { tempDir, writeRun } from './temp-dir.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'run-before-msgpackr');

const episode = (seed: number, infeasible: boolean): EpisodeRecord => ({
  episodeId: `notes/find-code-or-report:test:${seed}:0`,
  groupId: `notes/find-code-or-report:test:${seed}`,
  env: 'notes',
  family: 'notes/find-code-or-report',
  seed,
  split: 'test',
  status: 'success',
  success: true,
  steps: [],
  infeasible,
});

describe('the infeasible field of a record', () => {
  it('goes into the index and comes back from it once the run is reopened', async () => {
    const dir = await writeRun([episode(1, true), episode(2, false)], { finalize: true });
    await using run = await openRun(dir);
    expect(run.summaries().map((s) => [s.seed, s.infeasible])).toEqual([
      [1, true],
      [2, false],
    ]);
    const records: EpisodeRecord[] = [];
    for await (const record of run.records()) records.push(record);
    expect(records.map((r) => r.infeasible)).toEqual([true, false]);
  });

  it('reads as false in a run and an index written before it', async () => {
    const dir = join(tempDir(), 'run');
    cpSync(FIXTURE, dir, { recursive: true });
    await using run = await openRun(dir);
    const records: EpisodeRecord[] = [];
    for await (const record of run.records()) records.push(record);
    expect(records.length).toBeGreaterThan(0);
    expect(records.map((r) => r.infeasible)).toEqual(records.map(() => false));
    expect(run.summaries().map((s) => s.infeasible)).toEqual(records.map(() => false));
  });

  it('is shown on the transcript of an infeasible seed only', () => {
    const marker = /^task .*infeasible \(the request cannot be done; only report_infeasible succeeds\)$/m;
    expect(formatTranscript(episode(1, true))).toMatch(marker);
    expect(formatTranscript(episode(2, false))).not.toMatch(/infeasible \(/);
  });
});
