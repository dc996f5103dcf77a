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

describe('runStats of a run with noise', () => {
  it('counts the steps injected as noise and the episodes that have them, with a table column only then', async () => {
    const noisy = makeEpisode({ seed: 1, steps: 4 });
    noisy.steps![1]!.injected = true;
    noisy.steps![2]!.injected = true;
    const dir = await writeRun([noisy, makeEpisode({ seed: 2, steps: 3 })]);
    await using reader = await openRun(dir);
    const stats = runStats(reader);
    expect(stats).toMatchObject({ injectedSteps: 2, injectedEpisodes: 1 });
    expect(formatRunStats(stats)).toMatch(/injected steps \(episodes\)/);
    expect(formatRunStats(stats)).toMatch(/^all\s+2\s.*\s2 \(1\)\s+success 2$/m);
    const quiet = await writeRun([makeEpisode({ seed: 3 })]);
    await using plain = await openRun(quiet);
    expect(formatRunStats(runStats(plain))).not.toContain('injected');
  });
});

describe('formatTranscript', () => {
  it('prints observation sizes in bytes and step times in whole milliseconds, also for sizes recorded as protobuf Longs', () => {
    const episode = makeEpisode({ steps: 2 });
    Object.assign(episode.steps![0]!, { agentMs: 3.2035089999990305, envMs: 381.2707930000033, strategy: 'browse' });
    Object.assign(episode.steps![0]!.observation!, { rawSize: 1234 });
    // Runs recorded before sizes were kept as numbers hold protobufjs's Long as a plain object.
    Object.assign(episode.steps![1]!, { agentMs: 0.28559799999493407, envMs: 132.5, injected: true });
    Object.assign(episode.steps![1]!.observation!, { rawSize: { low: 304, high: 0, unsigned: true } });
    const text = formatTranscript(episode);
    expect(text).toContain('── step 0 ─ agent 3 ms, env 381 ms');
    expect(text).toMatch(/── step 0 .*, strategy browse\n/);
    expect(text).toContain('── step 1 ─ agent 0 ms, env 133 ms');
    expect(text).toMatch(/── step 1 .*, injected as noise\n/);
    expect(text).toContain('[observation, 1234 bytes raw]');
    expect(text).toMatch(/\[observation(: the result above)?, 304 bytes raw\]/);
    expect(text).not.toMatch(/object Object|\d\.\d+ ms/);
  });

  it('shows the task, the agent, the outcome and every step as the model saw and did it', () => {
    const text = formatTranscript(fullEpisode([{ sha256: 'ab'.repeat(32), size: 2048 }]));
    for (const expected of [
      'episode  ep-full-1',
      'spreadsheet/pivot-sum#1099511627779',
      'openai qwen3-8b',
      'temperature 0.6',
      'reward 0.75 [shaped]   shaped 0.75 (sums 1, formatting 0.5)',
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
