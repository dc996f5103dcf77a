import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EpisodeRecord } from '@workgym/trajectories';
import { RolloutStats } from '../src/index.js';

const episode = (env: string): EpisodeRecord => ({ env, status: 'success', success: true, finalReward: 1, steps: [], attempts: 1 });

afterEach(() => {
  vi.useRealTimers();
});

describe('rollout stats', () => {
  it('rates an env over the time its own episodes ran, not the time the others still run', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const stats = new RolloutStats({ spreadsheet: 2, browser: 1 });
    expect(stats.rate('spreadsheet')).toBe(0);
    // Two spreadsheet episodes in the first 30 s (each took 15 s), then a browser episode 10 minutes later.
    vi.advanceTimersByTime(15_000);
    stats.record(episode('spreadsheet'), 15_000);
    vi.advanceTimersByTime(15_000);
    stats.record(episode('spreadsheet'), 15_000);
    vi.advanceTimersByTime(600_000);
    stats.record(episode('browser'), 600_000);
    expect(stats.rate('spreadsheet')).toBeCloseTo(4, 9);
    expect(stats.rate('browser')).toBeCloseTo(0.1, 9);
  });

  it("rates the session as a whole over its wall time, from its start to its last episode, leaving a resume's earlier episodes out", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const stats = new RolloutStats({ spreadsheet: 3, browser: 1 }, [{ env: 'spreadsheet', status: 'success', success: true, finalReward: 1, steps: 2 }]);
    expect([stats.wallMs, stats.overallRate()]).toEqual([0, 0]);
    // 60 s of warm-up before the first episode is recorded, which counts: it is time the run took.
    vi.advanceTimersByTime(60_000);
    stats.record(episode('spreadsheet'), 10_000);
    stats.record(episode('spreadsheet'), 10_000);
    vi.advanceTimersByTime(60_000);
    stats.record(episode('browser'), 60_000);
    expect(stats.newEpisodes).toBe(3);
    expect(stats.wallMs).toBe(120_000);
    expect(stats.overallRate()).toBeCloseTo(1.5, 9);
    // Time after the last episode (closing the run) is not the episodes' time.
    vi.advanceTimersByTime(600_000);
    expect(stats.overallRate()).toBeCloseTo(1.5, 9);
  });
});
