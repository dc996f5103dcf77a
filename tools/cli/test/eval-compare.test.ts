import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExpertAgent, rollout, type Agent } from '@workgym/agents';
import { LocalRuntime } from '@workgym/runtime';
import { mcnemarExact } from '@workgym/trainers/eval';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { counterSpec } from '../../../envs/runtime/test/helpers.js';
import { workgym } from './run-cli.js';

// Real runs of the counter test env: a clean expert (A) on 8 tasks and a noisy expert (B) on the
// first 6 of them, two episodes per task, so that pairs disagree and two tasks are A's alone. A
// third run on other seeds shares no task with A. `workgym eval compare` then reads them.

let dir: string;
let runA: string;
let runB: string;
let elsewhere: string;
let byEpisodeA: Map<string, EpisodeRecord>;
let recordsB: EpisodeRecord[];

async function run(name: string, agent: Agent, tasksPerFamily: number, seed: number): Promise<string> {
  const out = join(dir, name);
  await rollout({
    runtime: new LocalRuntime(),
    agent,
    envs: [{ name: 'counter', spec: await counterSpec(), families: ['counter/reach-target'] }],
    out,
    tasksPerFamily,
    group: 2,
    split: 'train',
    seed,
    parallel: 2,
    // Noise never ends an episode, so only the step limit turns noise into failures.
    limits: { maxSteps: 3, stepDeadlineMs: 30_000, episodeDeadlineMs: 120_000 },
  });
  return out;
}

async function records(run: string): Promise<EpisodeRecord[]> {
  await using reader = await openRun(run);
  const all: EpisodeRecord[] = [];
  for await (const record of reader.records()) all.push(record);
  return all;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-compare-'));
  runA = await run('expert', new ExpertAgent({ strategy: 'jump' }), 8, 0);
  runB = await run('noisy', new ExpertAgent({ strategy: 'jump', noise: 0.5, seed: 5 }), 6, 0);
  elsewhere = await run('elsewhere', new ExpertAgent({ strategy: 'jump' }), 2, 100);
  byEpisodeA = new Map((await records(runA)).map((r) => [r.episodeId!, r]));
  recordsB = await records(runB);
}, 300_000);

interface Row {
  scope: string;
  key: string;
  pairs: number;
  a: { successes: number; n: number };
  b: { successes: number; n: number };
  difference: number;
  low: number;
  high: number;
  mcnemarP: number;
  onlyA: number;
  onlyB: number;
}

describe('workgym eval compare', () => {
  it('pairs the tasks both runs hold and reports B − A per env, family, job and in total, as the records say', { timeout: 300_000 }, async () => {
    const { code, stdout, stderr } = await workgym('eval', 'compare', runA, runB, '--json');
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as {
      pairs: number;
      onlyInA: { tasks: number; first: string[] };
      onlyInB: { tasks: number };
      unpairedEpisodes: number;
      rows: Row[];
    };
    // The same plan gives the same episode ids, so the records themselves say which pairs are which.
    const pairs = recordsB.map((b) => [byEpisodeA.get(b.episodeId!)!.success === true, b.success === true]);
    const onlyA = pairs.filter(([a, b]) => a && !b).length;
    const onlyB = pairs.filter(([a, b]) => !a && b).length;
    expect(onlyA, 'the noise made some pairs disagree').toBeGreaterThan(0);
    expect(report).toMatchObject({
      pairs: 12,
      onlyInA: { tasks: 2, first: ['counter/reach-target#6 (train)', 'counter/reach-target#7 (train)'] },
      onlyInB: { tasks: 0 },
      unpairedEpisodes: 0,
    });
    const expected = {
      pairs: 12,
      a: { successes: pairs.filter(([a]) => a).length, n: 12 },
      b: { successes: pairs.filter(([, b]) => b).length, n: 12 },
      difference: (onlyB - onlyA) / 12,
      mcnemarP: mcnemarExact(onlyA, onlyB),
      onlyA,
      onlyB,
    };
    const job = recordsB[0]!.job!;
    expect(report.rows.map((r) => [r.scope, r.key])).toEqual([
      ['all', 'all'],
      ['env', 'counter'],
      ['family', 'counter/reach-target'],
      ['job', job],
    ]);
    for (const row of report.rows) {
      expect(row).toMatchObject(expected);
      expect(row.low).toBeLessThanOrEqual(row.difference);
      expect(row.high).toBeGreaterThanOrEqual(row.difference);
    }

    const table = await workgym('eval', 'compare', runA, runB);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Left out: 2 tasks only in A (counter/reach-target#6 (train), counter/reach-target#7 (train)).');
    const sign = onlyB > onlyA ? '+' : '';
    expect(table.stdout).toMatch(
      new RegExp(`^\\| counter/reach-target \\| 12 \\| .* \\| ${sign}${((100 * (onlyB - onlyA)) / 12).toFixed(1)}% \\| .* \\| ${onlyA} \\| ${onlyB} \\|$`, 'm'),
    );
  });

  it('--env and --family choose what is compared', { timeout: 300_000 }, async () => {
    const { code, stderr } = await workgym('eval', 'compare', runA, runB, '--family', 'counter/other-*');
    expect(code).toBe(1);
    expect(stderr.split('\n')[0]).toBe(
      `workgym: ${runA} and ${runB} have no task (env, family, split, seed) in common among the envs and families asked for: A has 0 tasks, B has 0 tasks`,
    );
    const chosen = await workgym('eval', 'compare', runA, runB, '--env', 'counter', '--json');
    expect(chosen.code, chosen.stderr).toBe(0);
    expect((JSON.parse(chosen.stdout) as { pairs: number }).pairs).toBe(12);
  });

  it('refuses runs with no task in common in one line', { timeout: 300_000 }, async () => {
    const { code, stdout, stderr } = await workgym('eval', 'compare', runA, elsewhere);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const [first, ...rest] = stderr.trimEnd().split('\n');
    expect(first).toBe(
      `workgym: ${runA} and ${elsewhere} have no task (env, family, split, seed) in common: ` +
        'A has 8 tasks (counter/reach-target#0 (train), counter/reach-target#1 (train), counter/reach-target#2 (train)), ' +
        'B has 2 tasks (counter/reach-target#100 (train), counter/reach-target#101 (train))',
    );
    expect(rest.every((line) => line.startsWith('hint: '))).toBe(true);
  });

  it('refuses a missing run folder in one line', { timeout: 300_000 }, async () => {
    const { code, stdout, stderr } = await workgym('eval', 'compare', runA, join(dir, 'missing'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const [first, ...rest] = stderr.trimEnd().split('\n');
    expect(first).toMatch(/^workgym: .*missing/);
    expect(rest.every((line) => line.startsWith('hint: '))).toBe(true);
  });

  it('leaves `workgym eval` itself as it was', { timeout: 300_000 }, async () => {
    const { code, stdout, stderr } = await workgym('eval', '--run', runA);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`Evaluation of ${runA}`);
    const bare = await workgym('eval');
    expect(bare.code).toBe(1);
    expect(bare.stderr.split('\n')[0]).toBe('workgym: give --run DIR to evaluate a run, or --agent expert|random|openai|policy to run new episodes');
  });
});
