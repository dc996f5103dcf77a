import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CounterEnv } from '@workgym/protocol/testing';
import { CodeEnv } from '@workgym/env-code';
import { trainingSets, transferMatrix, type EvalEnv } from '../src/index.js';
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

  it('trains per training set, tests on every env, and writes a complete matrix (markdown, CSV, JSON, PNG)', async () => {
    const runtime = new InProcessRuntime({ counter: () => new CounterEnv(8), code: () => new CodeEnv() });
    const envs: EvalEnv[] = [
      { name: 'code', spec: spec('code'), families: ['code/repo-question'] },
      { name: 'counter', spec: spec('counter'), families: ['counter/reach-target'] },
    ];
    const out = await tempDir();
    const result = await transferMatrix({ runtime, envs, out, trainTasksPerFamily: 4, testTasksPerFamily: 3, maxSteps: 6 });
    expect(result.trainSets.map((s) => s.name)).toEqual(['untrained', 'code', 'counter', 'all']);
    expect(result.cells).toHaveLength(4 * 2);
    for (const set of result.trainSets)
      for (const env of ['code', 'counter']) expect(result.cells.find((c) => c.trainSet === set.name && c.testEnv === env)!.success.n).toBe(3);
    const csv = (await readFile(result.files.csv, 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(1 + 8);
    expect(csv[1]).toMatch(/^untrained,,code,3,\d,/);
    const md = await readFile(result.files.markdown, 'utf8');
    expect(md).toContain('| train \\ test | code | counter |');
    expect(md.split('\n').filter((l) => /^\| (untrained|code|counter|all) \|/.test(l))).toHaveLength(4);
    expect((await readFile(result.files.png)).subarray(1, 4).toString()).toBe('PNG');
  });
});
