import { describe, expect, it } from 'vitest';
import { formatSuiteMetrics, suiteMetrics, suiteOf, type EpisodeRecord } from '../src/index.js';

type Episode = Pick<EpisodeRecord, 'env' | 'family' | 'success' | 'rewardComponents'>;
const miniwob = (task: string, raw: number | undefined): Episode => ({
  env: 'browser',
  family: `browser/miniwob.${task}`,
  success: raw !== undefined && raw > 0,
  rewardComponents: raw === undefined ? {} : { miniwob_reward: Math.max(0, raw), miniwob_raw_reward: raw },
});
const sheet = (task: string, cases: number[]): Episode => ({
  env: 'spreadsheet',
  family: `spreadsheet/spreadsheetbench.${task}`,
  success: cases.length > 0 && cases.every((c) => c === 1),
  rewardComponents: Object.fromEntries(cases.map((c, i) => [`case_${i + 1}`, c])),
});

describe('suite metrics', () => {
  it('MiniWoB: the raw reward averaged per task, then over tasks (a task never scored counts −1), and the success rate', () => {
    // click-button: 1 and 0.5 → 0.75; enter-text: −1 and (unscored) −1 → −1; mean over tasks −0.125.
    const [metric] = suiteMetrics([miniwob('click-button', 1), miniwob('click-button', 0.5), miniwob('enter-text', -1), miniwob('enter-text', undefined)]);
    expect(metric).toEqual({ suite: 'miniwob', env: 'browser', tasks: 2, episodes: 4, values: { mean_reward: -0.125, success_rate: 0.5 }, unscored: 1 });
  });

  it('SpreadsheetBench: soft is the mean share of cases right, hard the share of episodes with every case right', () => {
    const [metric] = suiteMetrics([sheet('59196', [1, 1, 1]), sheet('59196', [1, 0, 1]), sheet('7-12', [0, 0, 0]), sheet('7-12', [])]);
    expect(metric!.values.soft).toBeCloseTo((1 + 2 / 3 + 0 + 0) / 4, 10);
    expect(metric!.values.hard).toBe(0.25);
    expect(metric).toMatchObject({ suite: 'spreadsheetbench', tasks: 2, episodes: 4, unscored: 1 });
  });

  it('HumanEval and MBPP: pass@1 is the success rate; other families have no suite metric', () => {
    const records: Episode[] = [
      { env: 'code', family: 'code/humaneval.HumanEval-0', success: true },
      { env: 'code', family: 'code/humaneval.HumanEval-1', success: false },
      { env: 'code', family: 'code/mbpp.11', success: true },
      { env: 'code', family: 'code/py-fix-bug', success: true },
      { env: 'code', family: 'code/mytasks.a', success: true },
    ];
    expect(suiteMetrics(records).map((m) => [m.suite, m.tasks, m.values])).toEqual([
      ['humaneval', 2, { pass_at_1: 0.5 }],
      ['mbpp', 1, { pass_at_1: 1 }],
    ]);
    expect([suiteOf('code/py-fix-bug'), suiteOf('code/humaneval.HumanEval-0'), suiteOf('spreadsheet/spreadsheetbench')]).toEqual([
      undefined,
      'humaneval',
      'spreadsheetbench',
    ]);
  });

  it('prints one markdown row a suite, and nothing without any', () => {
    expect(formatSuiteMetrics([])).toBe('');
    const text = formatSuiteMetrics(suiteMetrics([miniwob('click-button', 1), miniwob('enter-text', undefined)]));
    expect(text).toContain('| browser | miniwob | 2 | 2 | mean_reward 0.000, success_rate 50.0% (1 unscored, counted as failures) |');
  });
});
