import { describe, expect, it } from 'vitest';
import { evaluateRecords, formatEvalMarkdown } from '../src/index.js';
import { record } from './helpers.js';

// counter/reach-target (medium): task a solved 2 of 4 tries, task b 4 of 4, with partial credit 0.5
// on a's failures. counter/q (easy) has one scenario of two tasks (s0: one solved, one not) and one
// of a single task; counter/old was recorded before difficulty was.
const tries = (group: string, seed: number, outcomes: boolean[], extra = {}) =>
  outcomes.map((success, i) =>
    record({
      episodeId: `${group}:${i}`,
      groupId: group,
      seed,
      success,
      finalReward: success ? 1 : 0.5,
      status: success ? 'success' : 'failure',
      difficulty: 'medium',
      ...extra,
    }),
  );
const easy = { family: 'counter/q', difficulty: 'easy' };
const records = [
  ...tries('a', 1, [true, true, false, false]),
  ...tries('b', 2, [true, true, true, true]),
  ...tries('q0', 0, [true], { ...easy, scenario: 's0', finalReward: 1 }),
  ...tries('q1', 1, [false], { ...easy, scenario: 's0', finalReward: 0 }),
  ...tries('q2', 2, [true], { ...easy, scenario: 's1', finalReward: 1 }),
  ...tries('o', 3, [false], { family: 'counter/old', difficulty: '', finalReward: 0 }),
];
const rowOf = (report: ReturnType<typeof evaluateRecords>, scope: string, key: string) => report.rows.find((r) => r.scope === scope && r.key === key)!;

describe('evaluation reliability', () => {
  it("keeps each verdict component's mean per scope, over the episodes that name it", () => {
    const judged = [
      record({ episodeId: 'x', success: false, finalReward: 0, shapedReward: 0.5, rewardMode: 'success', rewardComponents: { reached: 1, submitted: 0 } }),
      record({ episodeId: 'y', success: true, finalReward: 1, shapedReward: 1, rewardMode: 'success', rewardComponents: { reached: 1, submitted: 1 } }),
      record({ episodeId: 'z', success: false, finalReward: 0, rewardComponents: {} }),
    ];
    const total = rowOf(evaluateRecords(judged), 'all', 'all');
    expect(total.meanComponents).toEqual({ reached: 1, submitted: 0.5 });
    // The mean score is the shaped reward; a record from before reward modes counts its final reward.
    expect(total.meanReward).toBeCloseTo(0.5, 12);
  });

  it('reports pass^k beside pass@k for every k up to the group size, with the values computed by hand', () => {
    const report = evaluateRecords(records);
    expect(report.ks).toEqual([1, 2, 3, 4]);
    const family = rowOf(report, 'family', 'counter/reach-target');
    // a: pass^2 = C(2,2)/C(4,2) = 1/6, pass@2 = 5/6; b: 1 and 1.
    expect(family.passHatK['2']!.value).toBeCloseTo((1 / 6 + 1) / 2, 12);
    expect(family.passAtK['2']!.value).toBeCloseTo((5 / 6 + 1) / 2, 12);
    // a: pass^3 = 0 (two successes), pass@3 = 1.
    expect(family.passHatK['3']).toEqual({ value: 0.5, tasks: 2 });
    expect(family.passAtK['3']).toEqual({ value: 1, tasks: 2 });
    expect(family.meanReward).toBeCloseTo(7 / 8, 12);
    expect(family.success).toMatchObject({ successes: 6, n: 8 });
  });

  it('has difficulty rows, easiest first, with records that predate difficulty last', () => {
    const report = evaluateRecords(records);
    expect(report.rows.filter((r) => r.scope === 'difficulty').map((r) => [r.key, r.episodes])).toEqual([
      ['easy', 3],
      ['medium', 8],
      ['', 1],
    ]);
    expect(rowOf(report, 'difficulty', 'easy').success).toMatchObject({ successes: 2, n: 3 });
    expect(formatEvalMarkdown(report)).toMatch(/## By difficulty\n\n\| difficulty \| episodes \|[^\n]*\n[^\n]*\n\| easy \| 3 \| 66\.7% \|/);
    expect(formatEvalMarkdown(report)).toContain('| (not recorded) | 1 | 0.0% |');
  });

  it('gives the scenario success of the families that declare scenarios', () => {
    const report = evaluateRecords(records);
    // s0: min(1, 0) = 0; s1 has one task only and is not counted.
    expect(rowOf(report, 'family', 'counter/q').scenarios).toEqual({ value: 0, scenarios: 1 });
    expect(rowOf(report, 'family', 'counter/reach-target').scenarios).toBeUndefined();
    const md = formatEvalMarkdown(report);
    expect(md).toMatch(
      /\| family \| episodes \| success \| 95% CI \| pass@1 \| pass@2 \| pass@3 \| pass@4 \| pass\^1 \| pass\^2 \| pass\^3 \| pass\^4 \| mean score \| scenarios \|/,
    );
    expect(md).toMatch(/\| counter\/q \| 3 \| 66\.7% \| [^|]+ \| 66\.7% \| - \| - \| - \| 66\.7% \| - \| - \| - \| 0\.667 \| 0\.0% \(1\) \|/);
    expect(formatEvalMarkdown(evaluateRecords(records.filter((r) => !r.scenario)))).not.toContain('scenarios');
  });

  it('takes the k it is given', () => {
    const report = evaluateRecords(records, { ks: [2] });
    expect(report.ks).toEqual([2]);
    expect(Object.keys(rowOf(report, 'all', 'all').passHatK)).toEqual(['2']);
  });
});
