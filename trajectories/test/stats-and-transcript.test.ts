import { describe, expect, it } from 'vitest';
import { formatRunStats, formatTranscript, openRun, runStats } from '../src/index.js';
import { fullEpisode } from './full-episode.js';
import { makeEpisode } from './make-episode.js';
import { writeRun } from './temp-dir.js';

describe('runStats', () => {
  it('counts episodes, success rate, steps, tokens and statuses per env, family and job', async () => {
    const dir = await writeRun([
      makeEpisode({ seed: 1, env: 'browser', status: 'success' }),
      makeEpisode({ seed: 2, env: 'browser', status: 'failure' }),
      makeEpisode({ seed: 3, env: 'code', family: 'code/fix-test', status: 'success', steps: 4 }),
      makeEpisode({ seed: 4, env: 'code', family: 'code/fix-test', status: 'infra_error' }),
    ]);
    await using reader = await openRun(dir);
    const stats = runStats(reader);
    expect(stats).toMatchObject({ episodes: 4, successes: 2, successRate: 0.5, steps: 10 });
    expect(stats.byStatus).toEqual({ failure: 1, infra_error: 1, success: 2 });
    expect(Object.keys(stats.byEnv)).toEqual(['browser', 'code']);
    expect(stats.byEnv.code).toMatchObject({ episodes: 2, successRate: 0.5, steps: 6, byStatus: { infra_error: 1, success: 1 } });
    expect(stats.byFamily['browser/shop-buy-cheapest']?.episodes).toBe(2);
    expect(stats.byJob['data-analyst']?.episodes).toBe(2);
    expect(stats.promptTokens).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
    const table = formatRunStats(stats);
    expect(table).toContain('50.0%');
    expect(table).toMatch(/code\/fix-test\s+2\s+50\.0%/);
  });

  it('counts attempts, retried episodes and infra errors, in the table too', async () => {
    const dir = await writeRun([
      { ...makeEpisode({ seed: 1, env: 'browser', status: 'success' }), attempts: 2 },
      { ...makeEpisode({ seed: 2, env: 'browser', status: 'success' }), attempts: 1 },
      { ...makeEpisode({ seed: 3, env: 'code', family: 'code/fix-test', status: 'infra_error' }), attempts: 3 },
      // Written before attempts were recorded: played once.
      { ...makeEpisode({ seed: 4, env: 'code', family: 'code/fix-test', status: 'failure' }), attempts: 0 },
    ]);
    await using reader = await openRun(dir);
    const stats = runStats(reader);
    expect(stats).toMatchObject({ attempts: 7, retried: 2, infraErrors: 1 });
    expect(stats.byEnv.browser).toMatchObject({ attempts: 3, retried: 1, infraErrors: 0 });
    expect(stats.byEnv.code).toMatchObject({ attempts: 4, retried: 1, infraErrors: 1 });
    const table = formatRunStats(stats);
    expect(table).toMatch(/attempts \(retried\)\s+infra errors/);
    expect(table).toMatch(/^all\s+4\s.*\s7 \(2\)\s+1\s/m);
    expect(table).toMatch(/^ {2}code\s+2\s.*\s4 \(1\)\s+1\s/m);
  });
});

describe('formatTranscript', () => {
  it('shows the task, the agent, the outcome and every step as the model saw and did it', () => {
    const text = formatTranscript(fullEpisode([{ sha256: 'ab'.repeat(32), size: 2048 }]));
    for (const expected of [
      'episode  ep-full-1',
      'spreadsheet/pivot-sum#1099511627779',
      'openai qwen3-8b',
      'temperature 0.6',
      'reward 0.75 (sums 1, formatting 0.5)',
      'self-evaluation 0.875',
      '── step 0',
      '[call call_a] write_cell({"cell":"F2","value":"=SUM(B2:B9)"})',
      '[result error invalid_arguments: value must be a formula]',
      'shot-0 abababababab (2048 bytes)',
      'error    retried after: container exited with 137',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('cuts long texts when asked', () => {
    const episode = makeEpisode({ steps: 1 });
    const text = formatTranscript(episode, { maxChars: 50 });
    expect(text).toMatch(/… \[\d+ more chars\]/);
  });
});
