import { chmod, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workgym } from './run-cli.js';

// A MiniWoB++ task set from the CLI under the docker runtime (the default): the folder is mounted
// read-only into the browser env's container, its pages are families there as in-process, doing
// nothing scores the page's -1 and the scripted experts succeed; eval prints MiniWoB's metric.

const MINIWOB = fileURLToPath(new URL('../../../envs/browser/test/fixtures/miniwob', import.meta.url));
let dir: string;
let suite: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-tasks-docker-'));
  await chmod(dir, 0o755);
  suite = join(dir, 'miniwob');
  await cp(MINIWOB, suite, { recursive: true });
  await chmod(suite, 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Suites {
  suites: { suite: string; tasks: number; episodes: number; values: Record<string, number>; unscored: number }[];
  total: { episodes: number; successes: number };
}

describe('--tasks under the docker runtime', () => {
  it('runs every page of the set in the container: doing nothing fails each (MiniWoB mean reward -1)', async () => {
    const out = join(dir, 'nothing');
    const run = await workgym(
      'rollout',
      '--env',
      'browser',
      '--tasks',
      suite,
      '--family',
      'browser/miniwob.*',
      '--agent',
      'nothing',
      '--max-steps',
      '2',
      '--out',
      out,
    );
    expect(run.code, run.stderr).toBe(0);
    const evaluation = await workgym('eval', '--run', out, '--json', join(dir, 'nothing.json'));
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'nothing.json'), 'utf8')) as Suites;
    expect(report.suites).toEqual([
      expect.objectContaining({ suite: 'miniwob', tasks: 13, episodes: 13, values: { mean_reward: -1, success_rate: 0 }, unscored: 0 }),
    ]);
  }, 600_000);

  it('the scripted experts succeed in the container, and eval prints the suite metric beside its table', async () => {
    const result = await workgym(
      'eval',
      '--agent',
      'expert',
      '--tasks',
      `browser=${suite}`,
      '--family',
      'browser/miniwob.{click-test,enter-text,login-user}',
      '--episodes',
      '1',
      '--json',
      join(dir, 'expert.json'),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\| browser \| miniwob \| 3 \| 3 \| mean_reward [01]\.\d{3}, success_rate 100\.0% \|/);
    const report = JSON.parse(await readFile(join(dir, 'expert.json'), 'utf8')) as Suites;
    expect(report.suites[0]!.values.mean_reward).toBeGreaterThan(0);
  }, 600_000);

  it('refuses, before any container starts, a set with a file the container user cannot read', async () => {
    await chmod(join(suite, 'html/miniwob/click-test.html'), 0o600);
    try {
      const result = await workgym('rollout', '--env', 'browser', '--tasks', suite, '--agent', 'nothing', '--out', join(dir, 'refused'));
      expect(result.code).toBe(1);
      expect(result.stderr.split('\n')[0]).toBe(
        `workgym: --tasks ${suite} (${join(suite, 'html/miniwob/click-test.html')}): the env server's user (uid 10001) cannot read it; files need o+r`,
      );
      expect(result.stderr).toContain(`hint: chmod -R o+rX ${suite}`);
    } finally {
      await chmod(join(suite, 'html/miniwob/click-test.html'), 0o644);
    }
  }, 300_000);
});
