import { describe, expect, it } from 'vitest';
import {
  compareDifficulties,
  formatRunStats,
  ksUpTo,
  meanPassHatK,
  openRun,
  passAtK,
  passHatK,
  reliability,
  runStats,
  scenarioKey,
  scenarioSuccess,
  type Outcome,
} from '../src/index.js';
import { makeEpisode } from './make-episode.js';
import { writeRun } from './temp-dir.js';

describe('pass^k and pass@k', () => {
  it('match values computed by hand', () => {
    // n = 4, c = 2, k = 2: C(2,2)/C(4,2) = 1/6 that both tries succeed; 1 - C(2,2)/C(4,2) = 5/6 that one does.
    expect(passHatK(4, 2, 2)).toBeCloseTo(1 / 6, 12);
    expect(passAtK(4, 2, 2)).toBeCloseTo(5 / 6, 12);
    // k = 1 is the task's success rate for both.
    expect(passHatK(4, 3, 1)).toBeCloseTo(3 / 4, 12);
    expect(passAtK(4, 3, 1)).toBeCloseTo(3 / 4, 12);
    // n = 5, c = 3, k = 3: C(3,3)/C(5,3) = 1/10; pass@3 = 1 - C(2,3)/C(5,3) = 1.
    expect(passHatK(5, 3, 3)).toBeCloseTo(1 / 10, 12);
    expect(passAtK(5, 3, 3)).toBe(1);
    // Fewer successes than k: all k cannot succeed.
    expect(passHatK(4, 1, 2)).toBe(0);
    expect(passHatK(4, 4, 4)).toBe(1);
    expect(() => passHatK(2, 1, 3)).toThrow(RangeError);
    expect(() => passHatK(2, 1, 0)).toThrow(RangeError);
  });

  it('average over the tasks tried at least k times', () => {
    // Tasks: 2 of 4 (pass^2 1/6), 4 of 4 (1), 1 of 1 (too few tries for k = 2).
    expect(
      meanPassHatK(
        [
          { n: 4, c: 2 },
          { n: 4, c: 4 },
          { n: 1, c: 1 },
        ],
        2,
      ),
    ).toEqual({ value: (1 / 6 + 1) / 2, tasks: 2 });
    expect(meanPassHatK([{ n: 1, c: 1 }], 2)).toBeUndefined();
  });
});

const outcome = (task: string, success: boolean, scenario = '', reward = Number(success)): Outcome => ({ task, success, scenario, reward });

describe('reliability', () => {
  it('gives success with its interval, mean score, and pass@k and pass^k for every k', () => {
    // Task a: 2 of 4 tries, task b: 4 of 4; partial credit 0.5 on a's failures.
    const outcomes = [
      outcome('a', true),
      outcome('a', true),
      outcome('a', false, '', 0.5),
      outcome('a', false, '', 0.5),
      ...[1, 2, 3, 4].map(() => outcome('b', true)),
    ];
    expect(ksUpTo(outcomes)).toEqual([1, 2, 3, 4]);
    const r = reliability(outcomes, ksUpTo(outcomes));
    expect(r.episodes).toBe(8);
    expect(r.success).toMatchObject({ successes: 6, n: 8, rate: 0.75 });
    expect(r.meanReward).toBeCloseTo(7 / 8, 12);
    expect(r.passHatK['2']!.value).toBeCloseTo((1 / 6 + 1) / 2, 12);
    expect(r.passAtK['2']!.value).toBeCloseTo((5 / 6 + 1) / 2, 12);
    // pass^4 of task a: 0 (only 2 successes); of b: 1.
    expect(r.passHatK['4']).toEqual({ value: 0.5, tasks: 2 });
    expect(r.passAtK['4']).toEqual({ value: 1, tasks: 2 });
    expect(r.scenarios).toBeUndefined();
  });
});

describe('scenario success', () => {
  it('is the minimum success over a scenario’s tasks, averaged over scenarios with two or more tasks', () => {
    const outcomes = [
      // Scenario s1: tasks t1 (1 of 1) and t2 (0 of 1): min 0.
      outcome('t1', true, 's1'),
      outcome('t2', false, 's1'),
      // Scenario s2: t3 (2 of 2), t4 (1 of 2), t5 (2 of 2): min 0.5.
      outcome('t3', true, 's2'),
      outcome('t3', true, 's2'),
      outcome('t4', true, 's2'),
      outcome('t4', false, 's2'),
      outcome('t5', true, 's2'),
      outcome('t5', true, 's2'),
      // Scenario s3: one task only; not a scenario-level measurement.
      outcome('t6', true, 's3'),
      // No scenario.
      outcome('t7', false),
    ];
    expect(scenarioSuccess(outcomes)).toEqual({ value: 0.25, scenarios: 2 });
    expect(scenarioSuccess([outcome('t1', true, 's1'), outcome('t7', true)])).toBeUndefined();
  });

  it('keys scenarios by env, family and split, and tasks with none by nothing', () => {
    const a = scenarioKey({ env: 'code', family: 'code/x', split: 'test', scenario: '3' });
    expect(a).not.toBe(scenarioKey({ env: 'code', family: 'code/y', split: 'test', scenario: '3' }));
    expect(a).not.toBe(scenarioKey({ env: 'code', family: 'code/x', split: 'train', scenario: '3' }));
    expect(scenarioKey({ env: 'code', family: 'code/x', split: 'test', scenario: '' })).toBe('');
  });
});

describe('runStats reliability', () => {
  // Two tasks of a medium family tried twice each (1 of 2 and 2 of 2), and an easy family's
  // scenario of two tasks (one solved, one not) plus a record written before difficulty was recorded.
  const episodes = () => [
    { ...makeEpisode({ seed: 1, taskSeed: 10, groupId: 'g10', status: 'success' }), difficulty: 'medium' },
    { ...makeEpisode({ seed: 2, taskSeed: 10, groupId: 'g10', status: 'failure', reward: 0.4 }), difficulty: 'medium' },
    { ...makeEpisode({ seed: 3, taskSeed: 11, groupId: 'g11', status: 'success' }), difficulty: 'medium' },
    { ...makeEpisode({ seed: 4, taskSeed: 11, groupId: 'g11', status: 'success' }), difficulty: 'medium' },
    { ...makeEpisode({ seed: 5, taskSeed: 0, groupId: 'q0', env: 'code', family: 'code/q', status: 'success' }), difficulty: 'easy', scenario: '0' },
    { ...makeEpisode({ seed: 6, taskSeed: 1, groupId: 'q1', env: 'code', family: 'code/q', status: 'failure' }), difficulty: 'easy', scenario: '0' },
    makeEpisode({ seed: 7, taskSeed: 2, groupId: 'q2', env: 'code', family: 'code/old', status: 'failure' }),
  ];

  it('reports pass@k, pass^k, mean score and scenario success per scope, with difficulty rows easiest first', async () => {
    await using reader = await openRun(await writeRun(episodes()));
    const stats = runStats(reader);
    expect(stats.ks).toEqual([1, 2]);
    expect(Object.keys(stats.byDifficulty)).toEqual(['easy', 'medium', '']);
    const medium = stats.byDifficulty.medium!;
    expect(medium).toMatchObject({ episodes: 4, successes: 3, meanReward: 3.4 / 4 });
    expect(medium.success).toMatchObject({ successes: 3, n: 4, rate: 0.75 });
    // g10: 1 of 2 (pass^2 0, pass@2 1); g11: 2 of 2 (1, 1).
    expect(medium.passHatK['2']).toEqual({ value: 0.5, tasks: 2 });
    expect(medium.passAtK['2']).toEqual({ value: 1, tasks: 2 });
    expect(medium.passHatK['1']).toEqual({ value: 0.75, tasks: 2 });
    expect(stats.byDifficulty.easy!.passHatK['2']).toBeUndefined();
    expect(stats.byFamily['code/q']!.scenarios).toEqual({ value: 0, scenarios: 1 });
    expect(stats.byFamily['browser/shop-buy-cheapest']!.scenarios).toBeUndefined();
    const table = formatRunStats(stats);
    expect(table).toMatch(/pass@1\s+pass@2\s+pass\^1\s+pass\^2\s+scenarios \(n\)/);
    expect(table).toMatch(/^ {2}medium\s+4\s+75\.0%\s+\S+–\S+\s+0\.850\s+75\.0%\s+100\.0%\s+75\.0%\s+50\.0%\s+-\s/m);
    expect(table).toMatch(/^ {2}code\/q\s+2\s+50\.0%\s+\S+\s+0\.500\s+50\.0%\s+-\s+50\.0%\s+-\s+0\.0% \(1\)\s/m);
    expect(table).toMatch(/^ {2}\(not recorded\)\s+1\s/m);
  });

  it('splits feasible and infeasible seeds when the run holds an infeasible one, and leaves the split out otherwise', async () => {
    const withInfeasible = [
      ...episodes(),
      { ...makeEpisode({ seed: 8, taskSeed: 3, groupId: 'q3', env: 'code', family: 'code/q', status: 'success' }), infeasible: true },
    ];
    await using reader = await openRun(await writeRun(withInfeasible));
    const stats = runStats(reader);
    expect(Object.keys(stats.byFeasibility)).toEqual(['feasible', 'infeasible']);
    expect(stats.byFeasibility.infeasible).toMatchObject({ episodes: 1, successes: 1 });
    expect(stats.byFeasibility.feasible).toMatchObject({ episodes: 7, successes: 4 });
    expect(formatRunStats(stats)).toMatch(/^by feasibility\s*$\n^ {2}feasible\s+7\s+57\.1%/m);
    await using plain = await openRun(await writeRun(episodes()));
    expect(runStats(plain).byFeasibility).toEqual({});
    expect(formatRunStats(runStats(plain))).not.toContain('by feasibility');
  });

  it('leaves the scenario column out when no family declares scenarios', async () => {
    await using reader = await openRun(await writeRun(episodes().filter((e) => !('scenario' in e))));
    expect(formatRunStats(runStats(reader))).not.toContain('scenarios');
  });
});

describe('compareDifficulties', () => {
  it('orders easy, medium, hard, then others by name, then unrecorded', () => {
    expect(['', 'hard', 'expert', 'easy', 'medium'].sort(compareDifficulties)).toEqual(['easy', 'medium', 'hard', 'expert', '']);
  });
});
