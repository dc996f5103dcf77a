import { describe, expect, it } from 'vitest';
import { pairByTask, successPairs, TrainerInputError } from '../src/index.js';
import { record } from './helpers.js';

const episode = (family: string, seed: number, success: boolean) => record({ episodeId: `${family}:test:${seed}:0`, family, seed, success });

describe('pairing two runs by task', () => {
  it('pairs each task with the same task of the other run, whatever order the runs hold them in', () => {
    const a = [episode('code/py-fix-bug', 0, true), episode('code/py-fix-bug', 1, false), episode('code/sql-query', 0, true)];
    const b = [episode('code/sql-query', 0, false), episode('code/py-fix-bug', 1, true), episode('code/py-fix-bug', 0, true)];
    const pairs = pairByTask(a, b);
    expect(pairs.map((p) => [p.task, p.family, p.a.seed, p.b.seed])).toEqual([
      ['code/py-fix-bug:test:0:0', 'code/py-fix-bug', 0, 0],
      ['code/py-fix-bug:test:1:0', 'code/py-fix-bug', 1, 1],
      ['code/sql-query:test:0:0', 'code/sql-query', 0, 0],
    ]);
    expect(successPairs(pairs)).toEqual([
      [true, true],
      [false, true],
      [true, false],
    ]);
  });

  it('refuses runs that do not hold the same tasks, naming what each has alone', () => {
    const a = [episode('code/py-fix-bug', 0, true), episode('code/py-fix-bug', 1, true)];
    const b = [episode('code/py-fix-bug', 0, true), episode('code/py-fix-bug', 2, true)];
    expect(() => pairByTask(a, b)).toThrow(TrainerInputError);
    expect(() => pairByTask(a, b)).toThrow('only A has code/py-fix-bug:test:1:0; only B has code/py-fix-bug:test:2:0');
    expect(() => pairByTask(a, a.slice(0, 1))).toThrow(/^the two runs do not hold the same tasks: only A has code\/py-fix-bug:test:1:0$/);
  });
});
