import { describe, expect, it } from 'vitest';
import { evaluateRecords, formatEvalMarkdown } from '../src/index.js';
import { record } from './helpers.js';

// Two successes, one failure, one env the agent broke, two episodes lost to infrastructure faults.
const records = [
  record({ episodeId: 'a:0', groupId: 'a', success: true, finalReward: 1, status: 'success' }),
  record({ episodeId: 'a:1', groupId: 'a', success: true, finalReward: 1, status: 'success' }),
  record({ episodeId: 'b:0', groupId: 'b', status: 'failure' }),
  record({ episodeId: 'b:1', groupId: 'b', status: 'env_broken' }),
  record({ episodeId: 'c:0', groupId: 'c', status: 'infra_error' }),
  record({ episodeId: 'c:1', groupId: 'c', status: 'infra_error' }),
];
const total = (report: ReturnType<typeof evaluateRecords>) => report.rows.find((r) => r.scope === 'all')!;

describe('evaluation and infrastructure faults', () => {
  it('counts infra_error episodes as failures by default and says how many there were', () => {
    const report = evaluateRecords(records);
    expect(report).toMatchObject({ episodes: 6, infraErrors: 2, infraErrorsAre: 'failures' });
    expect(total(report)).toMatchObject({ episodes: 6, errors: 3, infraErrors: 2 });
    expect(total(report).success).toMatchObject({ successes: 2, n: 6 });
    expect(formatEvalMarkdown(report)).toContain('6 episodes; 2 lost to infrastructure faults (infra_error), counted as failures.');
  });

  it('leaves them out of the rates when asked, still saying how many there were', () => {
    const report = evaluateRecords(records, { excludeInfraErrors: true });
    expect(report).toMatchObject({ episodes: 4, infraErrors: 2, infraErrorsAre: 'excluded' });
    expect(total(report)).toMatchObject({ episodes: 4, errors: 1, infraErrors: 2 });
    expect(total(report).success).toMatchObject({ successes: 2, n: 4 });
    // Task c had nothing but infra errors: no group to score.
    expect(total(report).passAtK['2']).toEqual({ value: 0.5, tasks: 2 });
    expect(formatEvalMarkdown(report)).toContain('4 episodes; 2 more lost to infrastructure faults (infra_error) and left out.');
  });

  it('counts an env the agent broke as a failure of the agent, never as an infra error', () => {
    const row = total(evaluateRecords([record({ episodeId: 'd:0', groupId: 'd', status: 'env_broken' })], { excludeInfraErrors: true }));
    expect(row).toMatchObject({ episodes: 1, errors: 1, infraErrors: 0 });
    expect(row.success.rate).toBe(0);
  });

  it('treats an episode whose person could not be played (people_error) like one lost to infrastructure: never the agent failing', () => {
    const lost = [...records.slice(0, 4), record({ episodeId: 'c:0', groupId: 'c', status: 'people_error' }), records[5]!];
    const report = evaluateRecords(lost, { excludeInfraErrors: true });
    expect(report).toMatchObject({ episodes: 4, infraErrors: 2 });
    expect(total(report).success).toMatchObject({ successes: 2, n: 4 });
  });
});
