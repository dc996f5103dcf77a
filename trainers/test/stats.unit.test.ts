import { describe, expect, it } from 'vitest';
import { evaluateRecords, formatEvalMarkdown, passAtK, wilson } from '../src/index.js';
import { record } from './helpers.js';

describe('Wilson interval', () => {
  it('matches hand-computed values', () => {
    // 8 of 10: centre (0.8 + 1.92/10)/1.384 = 0.7168, half 1.96*sqrt(0.016+0.00960)/1.384 = 0.2266.
    const p = wilson(8, 10);
    expect(p.rate).toBe(0.8);
    expect(p.low).toBeCloseTo(0.4902, 3);
    expect(p.high).toBeCloseTo(0.9433, 3);
    // 0 of 5: the interval still has width (unlike the normal interval).
    expect(wilson(0, 5).low).toBe(0);
    expect(wilson(0, 5).high).toBeCloseTo(0.4345, 3);
  });
});

describe('pass@k', () => {
  it('is the unbiased estimator 1 - C(n-c,k)/C(n,k)', () => {
    expect(passAtK(4, 1, 1)).toBeCloseTo(0.25, 10);
    expect(passAtK(4, 1, 2)).toBeCloseTo(1 - 3 / 6, 10); // C(3,2)/C(4,2) = 3/6
    expect(passAtK(5, 2, 3)).toBeCloseTo(1 - 1 / 10, 10); // C(3,3)/C(5,3)
    expect(passAtK(4, 0, 4)).toBe(0);
    expect(passAtK(4, 3, 2)).toBe(1);
    expect(() => passAtK(2, 1, 3)).toThrow(RangeError);
  });
});

describe('evaluateRecords', () => {
  const usage = { promptTokens: 10, completionTokens: 5, cachedTokens: 0 };
  const step = { usage };
  const records = [
    record({ episodeId: 'a:0', groupId: 'a', success: true, finalReward: 1, status: 'success', steps: [step, step] }),
    record({ episodeId: 'a:1', groupId: 'a', steps: [step] }),
    record({ episodeId: 'b:0', groupId: 'b', steps: [step] }),
    record({ episodeId: 'b:1', groupId: 'b', status: 'agent_error' }),
    record({
      episodeId: 'c:0',
      groupId: 'c',
      env: 'code',
      family: 'code/x',
      job: 'junior-programmer',
      success: true,
      finalReward: 1,
      status: 'success',
      steps: [step],
    }),
  ];

  it('gives success with Wilson intervals, pass@k over groups, mean steps and tokens per env, family and job', () => {
    const report = evaluateRecords(records);
    expect(report.ks).toEqual([1, 2]);
    const counter = report.rows.find((r) => r.scope === 'env' && r.key === 'counter')!;
    expect(counter).toMatchObject({ episodes: 4, meanReward: 0.25, meanSteps: 1, errors: 1 });
    expect(counter.success).toMatchObject({ successes: 1, n: 4, rate: 0.25 });
    expect(counter.success.low).toBeCloseTo(wilson(1, 4).low, 10);
    expect(counter.meanTokens).toBe((15 * 4) / 4);
    // Groups a (1 of 2) and b (0 of 2): pass@1 = (0.5 + 0)/2, pass@2 = (1 + 0)/2.
    expect(counter.passAtK['1']!.value).toBeCloseTo(0.25, 10);
    expect(counter.passAtK['2']).toEqual({ value: 0.5, tasks: 2 });
    const code = report.rows.find((r) => r.scope === 'job' && r.key === 'junior-programmer')!;
    expect(code.passAtK['2']).toBeUndefined(); // a group of one cannot give pass@2
    expect(report.rows.find((r) => r.scope === 'all')!.success.successes).toBe(2);
  });

  it('writes markdown tables by env, family and job with the intervals', () => {
    const md = formatEvalMarkdown(evaluateRecords(records));
    expect(md).toContain('## By env');
    expect(md).toContain('## By family');
    expect(md).toContain('## By job');
    expect(md).toMatch(/\| counter \| 4 \| 25\.0% \| 4\.6%–69\.9% \| 25\.0% \| 50\.0% \|/);
  });
});
