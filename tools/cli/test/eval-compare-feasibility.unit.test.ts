import { describe, expect, it } from 'vitest';
import type { EpisodeRecord } from '@workgym/trajectories';
import { compareRuns, formatCompare } from '../src/actions/eval-compare.js';

/** One episode of notes/find-code-or-report seed `seed`; seeds 3 and 5 are its infeasible ones here. */
const episode = (seed: number, success: boolean): EpisodeRecord => ({
  episodeId: `notes/find-code-or-report:train:${seed}:0`,
  env: 'notes',
  family: 'notes/find-code-or-report',
  job: 'assistant',
  split: 'train',
  seed,
  success,
  status: success ? 'success' : 'failure',
  infeasible: seed === 3 || seed === 5,
});

describe('eval compare with infeasible seeds', () => {
  it('compares feasible and infeasible seeds apart: an agent that gives up wins only on the infeasible ones', () => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const worker = seeds.map((seed) => episode(seed, seed !== 3 && seed !== 5));
    const givesUp = seeds.map((seed) => episode(seed, seed === 3 || seed === 5));
    const report = compareRuns('worker', worker, 'gives-up', givesUp);
    const rows = report.rows.filter((r) => r.scope === 'feasibility').map((r) => [r.key, r.pairs, r.a.rate, r.b.rate]);
    expect(rows).toEqual([
      ['feasible', 4, 1, 0],
      ['infeasible', 2, 0, 1],
    ]);
    expect(formatCompare(report)).toContain('## By feasibility');
  });

  it('has no feasibility rows when no seed was infeasible', () => {
    const plain = [1, 2].map((seed) => ({ ...episode(seed, true), infeasible: false }));
    const report = compareRuns('a', plain, 'b', plain);
    expect(report.rows.map((r) => r.scope)).not.toContain('feasibility');
    expect(formatCompare(report)).not.toContain('feasibility');
  });
});
