import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRun } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

const rollout = (run: string, ...more: string[]) =>
  workgym('rollout', '--env', 'spreadsheet', '--family', 'spreadsheet/clean-names', '--runtime', 'local', '--agent', 'expert', '--out', run, ...more);

/** The summary table's row for an env, as cells. */
const row = (stdout: string, env: string) =>
  stdout
    .split('\n')
    .find((line) => line.startsWith(`${env} `))!
    .trim()
    .split(/\s{2,}/);

describe('workgym rollout --resume', () => {
  it('ends with a table of the whole run, saying how many episodes are new', { timeout: 600_000 }, async () => {
    const run = join(await mkdtemp(join(tmpdir(), 'workgym-cli-resume-')), 'run');
    // The first episode is cut by its time limit before the expert can act; the next two succeed.
    const first = await rollout(run, '--episodes', '1', '--episode-timeout-s', '0.001');
    expect(first.code, first.stderr).toBe(0);
    const resumed = await rollout(run, '--episodes', '3', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/env\s+episodes\s+new\s+success/);
    const cells = row(resumed.stdout, 'spreadsheet');
    // env, episodes, new, success, mean reward, mean steps, fail/trunc/agent_err/env_broken/stuck/infra_err
    expect(cells.slice(0, 4)).toEqual(['spreadsheet', '3', '2', '66.7%']);
    expect(cells[6]).toBe('0/1/0/0/0/0');
    // Then the session as a whole: its new episodes, wall time and the rate over it.
    expect(resumed.stdout).toMatch(/^2 new episode\(s\) in (\d+ min )?\d+ s wall time: \d+\.\d ep\/min overall$/m);
    // Episodes that are only missing are not called damaged.
    expect(resumed.stderr).not.toContain('damaged');
  });

  it('says which damaged episodes it runs again: a count and the first few', { timeout: 600_000 }, async () => {
    const run = join(await mkdtemp(join(tmpdir(), 'workgym-cli-resume-')), 'run');
    expect((await rollout(run, '--episodes', '7')).code).toBe(0);
    const summaries = await (async () => {
      await using reader = await openRun(run);
      return [...reader.summaries()].sort((a, b) => a.seed - b.seed);
    })();
    // Bytes flipped inside every record but the first: the resume finds them damaged and drops them.
    const damaged = summaries.slice(1);
    for (const s of damaged) {
      const path = join(run, 'shards', s.shard);
      const bytes = readFileSync(path);
      for (const at of [30, 31, 32]) bytes[s.offset + at]! ^= 0xff;
      writeFileSync(path, bytes);
    }
    const resumed = await rollout(run, '--episodes', '7', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    const ids = damaged.map((s) => s.episodeId);
    expect(resumed.stderr).toContain(`[rollout] resume: 6 damaged episodes run again: ${ids.slice(0, 5).join(', ')} and 1 more\n`);
    expect(row(resumed.stdout, 'spreadsheet').slice(0, 3)).toEqual(['spreadsheet', '7', '6']);
  });

  // The agent and --max-steps are checked alike (agents/test/rollout.test.ts); here, what the user sees.
  it("refuses a resume with another group size, naming the run's value and the given one, leaving the run as it was", { timeout: 600_000 }, async () => {
    const run = join(await mkdtemp(join(tmpdir(), 'workgym-cli-resume-')), 'run');
    expect((await rollout(run, '--episodes', '1')).code).toBe(0);
    const manifest = readFileSync(join(run, 'manifest.json'), 'utf8');
    const group = await rollout(run, '--episodes', '1', '--group', '2', '--resume');
    expect(group.code).toBe(1);
    expect(group.stderr).toMatch(/^workgym: cannot resume .* its group is 1, not 2\./m);
    expect(group.stderr).not.toMatch(/^\s+at /m);
    expect(readFileSync(join(run, 'manifest.json'), 'utf8')).toBe(manifest);
  });
});
