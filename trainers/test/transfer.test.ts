import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CounterEnv } from '@workgym/protocol/testing';
import { CodeEnv } from '@workgym/env-code';
import type { EpisodeRecord } from '@workgym/trajectories';
import {
  mcnemarExact,
  readRecords,
  trainingSets,
  transferCsv,
  transferMarkdown,
  transferMatrix,
  wilson,
  type EvalEnv,
  type TransferCell,
  type TransferMatrix,
} from '../src/index.js';
import { InProcessRuntime, spec, tempDir } from './helpers.js';

describe('the transfer matrix', () => {
  it('lists each env alone, all envs, and all but one', () => {
    expect(trainingSets(['a']).map((s) => s.name)).toEqual(['a']);
    expect(trainingSets(['a', 'b']).map((s) => s.name)).toEqual(['a', 'b', 'all']);
    expect(trainingSets(['a', 'b', 'c']).map((s) => `${s.name}=${s.envs.join('+')}`)).toEqual([
      'a=a',
      'b=b',
      'c=c',
      'all=a+b+c',
      'all-but-a=b+c',
      'all-but-b=a+c',
      'all-but-c=a+b',
    ]);
  });

  it('trains per training set, tests on every env through one warm pool per env, and writes a complete matrix (markdown, CSV, JSON, PNG)', async () => {
    const started = { counter: 0, code: 0 };
    const runtime = new InProcessRuntime({
      counter: () => (started.counter++, new CounterEnv(8)),
      code: () => (started.code++, new CodeEnv()),
    });
    const envs: EvalEnv[] = [
      { name: 'code', spec: spec('code'), families: ['code/repo-question'] },
      { name: 'counter', spec: spec('counter'), families: ['counter/reach-target'] },
    ];
    const out = await tempDir();
    const result = await transferMatrix({ runtime, envs, out, trainTasksPerFamily: 4, testTasksPerFamily: 3, maxSteps: 6 });
    expect(result.trainSets.map((s) => s.name)).toEqual(['untrained', 'code', 'counter', 'all']);
    expect(result.cells).toHaveLength(4 * 2);
    // The expert episodes and the four sets' evaluations all leased from the same two instances of each env.
    expect(started).toEqual({ counter: 2, code: 2 });
    for (const set of result.trainSets)
      for (const env of ['code', 'counter']) expect(result.cells.find((c) => c.trainSet === set.name && c.testEnv === env)!.success.n).toBe(3);
    const csv = (await readFile(result.files.csv, 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(1 + 8);
    expect(csv[0]).toBe(
      'train_set,train_envs,test_env,families,episodes,successes,success_rate,ci_low,ci_high,pairs,diff_vs_untrained,diff_low,diff_high,mcnemar_p,only_untrained,only_trained,differs',
    );
    expect(csv[1]).toMatch(/^untrained,,code,all,3,\d,[\d.]+,[\d.]+,[\d.]+,,,,,,,,$/);
    expect(csv[3]).toMatch(/^code,code,code,all,3,\d,[\d.]+,[\d.]+,[\d.]+,3,-?[\d.]+,-?[\d.]+,-?[\d.]+,[\d.e-]+,\d,\d,(true|false)$/);
    const md = await readFile(result.files.markdown, 'utf8');
    expect(md).toContain('| train \\ test | code | counter |');
    expect(md.split('\n').filter((l) => /^\| (untrained|code|counter|all) \|/.test(l))).toHaveLength(4);
    expect(md).toMatch(/\| code \| \d+\.\d% \[[\d.]+%–[\d.]+%\] n=3<br>(\*\*)?Δ [+−]?[\d.]+ pts \[[+−]?[\d.]+, [+−]?[\d.]+\] p=[\d.e-]+/);
    expect((await readFile(result.files.png)).subarray(1, 4).toString()).toBe('PNG');
    const json = JSON.parse(await readFile(result.files.json, 'utf8')) as { cells: TransferCell[]; differsBelowP: number };
    expect(json.differsBelowP).toBe(0.05);
    expect(json.cells).toEqual(result.cells);
  });

  it('marks a cell that differs from the untrained row in markdown (bold, *) and CSV (differs), with the figures as given', () => {
    const matrix: TransferMatrix = {
      trainSets: [
        { name: 'untrained', envs: [] },
        { name: 'code', envs: ['code'] },
      ],
      testEnvs: ['code'],
      cells: [
        { trainSet: 'untrained', testEnv: 'code', success: wilson(1, 10) },
        {
          trainSet: 'code',
          testEnv: 'code',
          success: wilson(8, 10),
          vsUntrained: { pairs: 10, difference: 0.7, low: 0.4, high: 1, mcnemarP: mcnemarExact(0, 7), onlyUntrained: 0, onlyTrained: 7, differs: true },
        },
      ],
    };
    // 2 / 2^7 = 0.015625.
    expect(transferMarkdown(matrix)).toContain('| code | 80.0% [49.0%–94.3%] n=10<br>**Δ +70.0 pts [+40.0, +100.0] p=0.016 *** |');
    expect(transferCsv(matrix).trim().split('\n').slice(1)).toEqual([
      'untrained,,code,all,10,1,0.1000,0.0179,0.4042,,,,,,,,',
      'code,code,code,all,10,8,0.8000,0.4902,0.9433,10,0.7000,0.4000,1.0000,0.01563,0,7,true',
    ]);
  });

  it("pairs every cell with the untrained row's cell on the same test tasks, as the eval runs recorded them", async () => {
    const runtime = new InProcessRuntime({ counter: () => new CounterEnv(8) });
    const envs: EvalEnv[] = [{ name: 'counter', spec: spec('counter'), families: ['counter/reach-target'] }];
    const out = await tempDir();
    const result = await transferMatrix({ runtime, envs, out, trainTasksPerFamily: 6, testTasksPerFamily: 8, maxSteps: 10 });
    const runs = await readdir(join(out, 'sets'));
    expect(runs).toEqual(['00-untrained', '01-counter']);
    const [untrained, trained] = [await readRecords(join(out, 'sets', runs[0]!, 'eval')), await readRecords(join(out, 'sets', runs[1]!, 'eval'))];
    // By hand: the seeds each policy solved, and the discordant tasks.
    const solved = (records: EpisodeRecord[]) => new Set(records.filter((r) => r.success).map((r) => r.seed));
    const [u, t] = [solved(untrained), solved(trained)];
    const seeds = untrained.map((r) => r.seed!);
    expect(new Set(trained.map((r) => r.seed))).toEqual(new Set(seeds));
    const onlyUntrained = seeds.filter((s) => u.has(s) && !t.has(s)).length;
    const onlyTrained = seeds.filter((s) => t.has(s) && !u.has(s)).length;
    const cell = result.cells.find((c) => c.trainSet === 'counter')!;
    expect(cell.success).toEqual(wilson(t.size, 8));
    expect(cell.vsUntrained).toMatchObject({ pairs: 8, onlyUntrained, onlyTrained, difference: (t.size - u.size) / 8 });
    expect(cell.vsUntrained!.mcnemarP).toBeCloseTo(mcnemarExact(onlyUntrained, onlyTrained), 12);
    expect(cell.vsUntrained!.differs).toBe(cell.vsUntrained!.mcnemarP < 0.05);
    expect(result.cells.find((c) => c.trainSet === 'untrained')!.vsUntrained).toBeUndefined();
  });
});
