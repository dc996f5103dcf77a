import { describe, expect, it } from 'vitest';
import { pairByTask, successPairs, TrainerInputError } from '../src/index.js';
import { record } from './helpers.js';

const episode = (family: string, seed: number, success: boolean, sample = 0, split = 'test') =>
  record({ env: 'code', episodeId: `${family}:${split}:${seed}:${sample}`, family, seed, split, success });

describe('pairing two runs by task', () => {
  it('pairs each task with the same task of the other run, whatever order the runs hold them in', () => {
    const a = [episode('code/py-fix-bug', 0, true), episode('code/py-fix-bug', 1, false), episode('code/sql-query', 0, true)];
    const b = [episode('code/sql-query', 0, false), episode('code/py-fix-bug', 1, true), episode('code/py-fix-bug', 0, true)];
    const { pairs, onlyInA, onlyInB, unpairedEpisodes } = pairByTask(a, b);
    expect(pairs.map((p) => [p.task, p.family, p.a.seed, p.b.seed])).toEqual([
      ['code/py-fix-bug#0 (test)', 'code/py-fix-bug', 0, 0],
      ['code/py-fix-bug#1 (test)', 'code/py-fix-bug', 1, 1],
      ['code/sql-query#0 (test)', 'code/sql-query', 0, 0],
    ]);
    expect(successPairs(pairs)).toEqual([
      [true, true],
      [false, true],
      [true, false],
    ]);
    expect([onlyInA.tasks, onlyInB.tasks, unpairedEpisodes]).toEqual([0, 0, 0]);
  });

  it("pairs a group's k-th episode with the other run's k-th, samples ordered by value (10 after 9)", () => {
    const samples = [10, 2, 9].map((s) => episode('code/py-fix-bug', 0, s === 10, s));
    const other = [9, 10, 2].map((s) => episode('code/py-fix-bug', 0, s === 2, s));
    const { pairs } = pairByTask(samples, other);
    expect(pairs.map((p) => [p.a.episodeId, p.b.episodeId])).toEqual([
      ['code/py-fix-bug:test:0:2', 'code/py-fix-bug:test:0:2'],
      ['code/py-fix-bug:test:0:9', 'code/py-fix-bug:test:0:9'],
      ['code/py-fix-bug:test:0:10', 'code/py-fix-bug:test:0:10'],
    ]);
  });

  it('tells the splits apart: the same seed of the train and test split is not one task', () => {
    const { pairs, onlyInA, onlyInB } = pairByTask([episode('code/py-fix-bug', 0, true, 0, 'train')], [episode('code/py-fix-bug', 0, true)], {
      unmatched: 'list',
    });
    expect(pairs).toHaveLength(0);
    expect(onlyInA.first).toEqual(['code/py-fix-bug#0 (train)']);
    expect(onlyInB.first).toEqual(['code/py-fix-bug#0 (test)']);
  });

  it('refuses runs that do not hold the same tasks, naming what each has alone', () => {
    const a = [episode('code/py-fix-bug', 0, true), episode('code/py-fix-bug', 1, true)];
    const b = [episode('code/py-fix-bug', 0, true), episode('code/py-fix-bug', 2, true)];
    expect(() => pairByTask(a, b)).toThrow(TrainerInputError);
    expect(() => pairByTask(a, b)).toThrow('only A has code/py-fix-bug#1 (test); only B has code/py-fix-bug#2 (test)');
    expect(() => pairByTask(a, a.slice(0, 1))).toThrow(/^the two runs do not hold the same tasks: only A has code\/py-fix-bug#1 \(test\)$/);
    const twice = [...a, episode('code/py-fix-bug', 1, false, 1)];
    expect(() => pairByTask(twice, a)).toThrow(/: episodes per task differ for code\/py-fix-bug#1 \(test\) \(2 in A, 1 in B\)$/);
  });

  it('lists instead of refusing when asked: the common tasks pair, the rest is counted', () => {
    const a = [episode('code/py-fix-bug', 0, true), episode('code/py-fix-bug', 0, false, 1), episode('code/py-fix-bug', 1, true)];
    const b = [episode('code/py-fix-bug', 0, false), episode('code/py-fix-bug', 2, true), episode('code/py-fix-bug', 3, true)];
    const { pairs, onlyInA, onlyInB, unpairedEpisodes } = pairByTask(a, b, { unmatched: 'list' });
    expect(successPairs(pairs)).toEqual([[true, false]]);
    expect(onlyInA).toEqual({ tasks: 1, first: ['code/py-fix-bug#1 (test)'] });
    expect(onlyInB).toEqual({ tasks: 2, first: ['code/py-fix-bug#2 (test)', 'code/py-fix-bug#3 (test)'] });
    expect(unpairedEpisodes).toBe(1);
  });
});
