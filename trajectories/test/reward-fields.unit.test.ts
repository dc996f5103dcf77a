import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paidReward } from '@workgym/protocol/reward';
import { createRun, openRun, rewardModeOf, runStats, shapedRewardOf, type EpisodeRecord } from '../src/index.js';
import { tempDir, writeRun } from './temp-dir.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'run-before-msgpackr');

const episode = (seed: number, fields: Partial<EpisodeRecord>): EpisodeRecord => ({
  episodeId: `spreadsheet/computed-column:train:${seed}:0`,
  groupId: `spreadsheet/computed-column:train:${seed}`,
  env: 'spreadsheet',
  family: 'spreadsheet/computed-column',
  seed,
  split: 'train',
  steps: [],
  ...fields,
});

describe('the reward fields of a record', () => {
  it('read a record from before reward modes as shaped, its final reward being its shaped reward', () => {
    expect(rewardModeOf({ finalReward: 0.4 })).toBe('shaped');
    expect(shapedRewardOf({ finalReward: 0.4 })).toBe(0.4);
    expect(rewardModeOf({ rewardMode: 'success', finalReward: 0, shapedReward: 0.4 })).toBe('success');
    expect(shapedRewardOf({ rewardMode: 'success', finalReward: 0, shapedReward: 0.4 })).toBe(0.4);
    // An episode that ended without a verdict has shaped reward 0, not its (0) final reward by chance.
    expect(shapedRewardOf({ rewardMode: 'shaped', finalReward: 0.3, shapedReward: 0 })).toBe(0);
  });

  it('are refused on append when the mode is none the protocol knows', async () => {
    const writer = await createRun(join(tempDir(), 'run'));
    await expect(writer.append(episode(1, { status: 'failure', rewardMode: 'partial' }))).rejects.toThrow(
      'episode spreadsheet/computed-column:train:1:0: reward mode "partial" is not one of success, shaped',
    );
    await writer.append(episode(2, { status: 'failure', rewardMode: '' }));
    await writer.close();
  });

  it('pay success or the shaped reward', () => {
    expect([paidReward('success', true, 1), paidReward('success', false, 0.6), paidReward('shaped', false, 0.6)]).toEqual([1, 0, 0.6]);
  });

  it("go into the index, and the stats' mean score is the shaped reward whatever the mode paid", async () => {
    const dir = await writeRun([
      episode(1, { status: 'failure', success: false, finalReward: 0, rewardMode: 'success', shapedReward: 0.5 }),
      episode(2, { status: 'success', success: true, finalReward: 1, rewardMode: 'success', shapedReward: 1 }),
    ]);
    await using run = await openRun(dir);
    expect(run.summaries().map((s) => [s.finalReward, s.rewardMode, s.shapedReward])).toEqual([
      [0, 'success', 0.5],
      [1, 'success', 1],
    ]);
    expect(runStats(run)).toMatchObject({ successRate: 0.5, meanReward: 0.75 });
  });

  it("give an index written before them each entry's final reward as its shaped reward", async () => {
    const dir = join(tempDir(), 'run');
    cpSync(FIXTURE, dir, { recursive: true });
    await using run = await openRun(dir);
    const records: EpisodeRecord[] = [];
    for await (const record of run.records()) records.push(record);
    expect(run.summaries().map((s) => [s.rewardMode, s.shapedReward])).toEqual(records.map((r) => ['', r.finalReward]));
    expect(records.some((r) => (r.finalReward ?? 0) > 0)).toBe(true);
  });
});
