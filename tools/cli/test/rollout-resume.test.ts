import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workgym } from './run-cli.js';

const rollout = (run: string, ...more: string[]) =>
  workgym('rollout', '--env', 'spreadsheet', '--family', 'spreadsheet/clean-names', '--runtime', 'local', '--agent', 'expert', '--out', run, ...more);

/** The summary table's row for an env, as cells. */
const row = (stdout: string, env: string) => stdout.split('\n').find((line) => line.startsWith(`${env} `))!.trim().split(/\s{2,}/);

describe('workgym rollout --resume', () => {
  it('ends with a table of the whole run, saying how many episodes are new', { timeout: 300_000 }, async () => {
    const run = join(await mkdtemp(join(tmpdir(), 'workgym-cli-resume-')), 'run');
    // The first episode is cut by its time limit before the expert can act; the next two succeed.
    const first = await rollout(run, '--episodes', '1', '--episode-timeout-s', '0.001');
    expect(first.code, first.stderr).toBe(0);
    const resumed = await rollout(run, '--episodes', '3', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/env\s+episodes\s+new\s+success/);
    const cells = row(resumed.stdout, 'spreadsheet');
    // env, episodes, new, success, mean reward, mean steps, fail/trunc/agent_err/env_broken/infra_err
    expect(cells.slice(0, 4)).toEqual(['spreadsheet', '3', '2', '66.7%']);
    expect(cells[6]).toBe('0/1/0/0/0');
  });

  it('refuses a resume with another agent, group size or max steps, naming the run\'s value and the given one', { timeout: 300_000 }, async () => {
    const run = join(await mkdtemp(join(tmpdir(), 'workgym-cli-resume-')), 'run');
    expect((await rollout(run, '--episodes', '1')).code).toBe(0);
    const manifest = readFileSync(join(run, 'manifest.json'), 'utf8');
    const group = await rollout(run, '--episodes', '1', '--group', '2', '--resume');
    expect(group.code).toBe(1);
    expect(group.stderr).toMatch(/^workgym: cannot resume .* its group is 1, not 2\./m);
    const steps = await rollout(run, '--episodes', '1', '--max-steps', '5', '--resume');
    expect(steps.stderr).toMatch(/its max steps is 30, not 5/);
    const agent = await workgym('rollout', '--env', 'spreadsheet', '--runtime', 'local', '--agent', 'random', '--out', run, '--resume');
    expect(agent.stderr).toMatch(/its agent kind is "expert", not "random"/);
    expect(readFileSync(join(run, 'manifest.json'), 'utf8')).toBe(manifest);
  });
});
