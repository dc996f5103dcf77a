import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRun, type EpisodeRecord } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

// A run written by hand, so every figure is known: code/py-fix-bug (medium) task a solved 2 of 4
// tries, task b 4 of 4; code/q (easy) has one scenario of two tasks, one solved and one not.

let dir: string;
let run: string;

const episode = (id: string, group: string, seed: number, success: boolean, extra: Partial<EpisodeRecord> = {}): EpisodeRecord => ({
  episodeId: id,
  groupId: group,
  env: 'code',
  family: 'code/py-fix-bug',
  job: 'junior-programmer',
  difficulty: 'medium',
  seed,
  split: 'test',
  status: success ? 'success' : 'failure',
  success,
  finalReward: success ? 1 : 0.5,
  steps: [],
  ...extra,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-reliability-'));
  run = join(dir, 'run');
  const writer = await createRun(run);
  const tries = [
    ...[true, true, false, false].map((s, i) => episode(`a-${i}`, 'a', 1, s)),
    ...[true, true, true, true].map((s, i) => episode(`b-${i}`, 'b', 2, s)),
    episode('q-0', 'q0', 0, true, { family: 'code/q', difficulty: 'easy', scenario: '0', finalReward: 1 }),
    episode('q-1', 'q1', 1, false, { family: 'code/q', difficulty: 'easy', scenario: '0', finalReward: 0 }),
  ];
  for (const record of tries) await writer.append(record);
  await writer.finalize();
});

describe('workgym data stats: reliability', () => {
  it('prints pass@k and pass^k for every k, success intervals, mean score, scenario success and difficulty in --json', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await workgym('data', 'stats', run, '--json');
    expect(code, stderr).toBe(0);
    const stats = JSON.parse(stdout);
    expect(stats.ks).toEqual([1, 2, 3, 4]);
    const family = stats.byFamily['code/py-fix-bug'];
    expect(family.success).toMatchObject({ successes: 6, n: 8, rate: 0.75 });
    expect(family.success.low).toBeGreaterThan(0);
    expect(family.meanReward).toBeCloseTo(7 / 8, 12);
    // a: pass^2 = C(2,2)/C(4,2) = 1/6, pass@2 = 5/6; b: 1 and 1.
    expect(family.passHatK['2'].value).toBeCloseTo((1 / 6 + 1) / 2, 12);
    expect(family.passAtK['2'].value).toBeCloseTo((5 / 6 + 1) / 2, 12);
    expect(family.passHatK['4']).toEqual({ value: 0.5, tasks: 2 });
    expect(stats.byFamily['code/q'].scenarios).toEqual({ value: 0, scenarios: 1 });
    expect(Object.keys(stats.byDifficulty)).toEqual(['easy', 'medium']);
    expect(stats.byDifficulty.easy).toMatchObject({ episodes: 2, successes: 1 });
  });

  it('prints them in the table', { timeout: 120_000 }, async () => {
    const { code, stdout } = await workgym('data', 'stats', run);
    expect(code).toBe(0);
    expect(stdout).toMatch(/pass@1\s+pass@2\s+pass@3\s+pass@4\s+pass\^1\s+pass\^2\s+pass\^3\s+pass\^4\s+scenarios \(n\)/);
    expect(stdout).toMatch(/^by difficulty/m);
    expect(stdout).toMatch(/^ {2}code\/q\s+2\s+50\.0%\s+\S+\s+0\.500\s+50\.0%\s+-\s+-\s+-\s+50\.0%\s+-\s+-\s+-\s+0\.0% \(1\)/m);
  });
});

describe('workgym eval --run: reliability', () => {
  it('writes the same figures to --json, rows by env, family, job and difficulty', { timeout: 120_000 }, async () => {
    const json = join(dir, 'eval.json');
    const { code, stdout, stderr } = await workgym('eval', '--run', run, '--json', json);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('## By difficulty');
    expect(stdout).toMatch(/\| pass\^1 \| pass\^2 \| pass\^3 \| pass\^4 \| mean score \| scenarios \|/);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.ks).toEqual([1, 2, 3, 4]);
    expect([...new Set(report.rows.map((r: { scope: string }) => r.scope))]).toEqual(['all', 'env', 'family', 'job', 'difficulty']);
    const row = (scope: string, key: string) => report.rows.find((r: { scope: string; key: string }) => r.scope === scope && r.key === key);
    expect(row('family', 'code/py-fix-bug').passHatK['2'].value).toBeCloseTo((1 / 6 + 1) / 2, 12);
    expect(row('family', 'code/q').scenarios).toEqual({ value: 0, scenarios: 1 });
    expect(row('difficulty', 'medium')).toMatchObject({ episodes: 8, meanReward: 7 / 8, success: { successes: 6, n: 8 } });
  });
});

describe('workgym eval on a real env, then data stats of its run', () => {
  it('reports pass^k up to the group size and a difficulty row from the family', { timeout: 300_000 }, async () => {
    const out = join(dir, 'spreadsheet-run');
    const json = join(dir, 'spreadsheet-eval.json');
    const args = ['--env', 'spreadsheet', '--family', 'spreadsheet/answer-question', '--episodes', '2', '--group', '3', '--runtime', 'local'];
    const evaluated = await workgym('eval', '--agent', 'expert', ...args, '--out', out, '--json', json);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.ks).toEqual([1, 2, 3]);
    const medium = report.rows.find((r: { scope: string; key: string }) => r.scope === 'difficulty' && r.key === 'medium');
    // The expert solves every try of both tasks.
    expect(medium).toMatchObject({ episodes: 6, meanReward: 1, passHatK: { '3': { value: 1, tasks: 2 } }, passAtK: { '3': { value: 1, tasks: 2 } } });
    const stats = await workgym('data', 'stats', out, '--json');
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout).byDifficulty.medium).toMatchObject({ episodes: 6, passHatK: { '3': { value: 1, tasks: 2 } } });
  });
});
