import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRun, EPISODE_STATUSES } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

// `workgym data export --status` on a run with one episode of every status the store records.

let dir: string;
let run: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-status-'));
  run = join(dir, 'run');
  const writer = await createRun(run);
  for (const [n, status] of EPISODE_STATUSES.entries()) {
    const call = { id: 'c1', name: 'submit', argumentsJson: '{"answer":"42"}' };
    await writer.append({
      episodeId: `ep-${n}`,
      env: 'code',
      family: 'code/sql-query',
      job: 'data-analyst',
      seed: n,
      status,
      success: status === 'success',
      finalReward: status === 'success' ? 1 : 0,
      instruction: 'count the rows of the orders table',
      steps: [{ index: 0, toolCalls: [call], results: [{ callId: 'c1', text: 'submitted' }] }],
    });
  }
  await writer.finalize();
});

describe('workgym data export --status', () => {
  it('lists every status an episode can have in its help', async () => {
    const { code, stdout } = await workgym('data', 'export', '--help');
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`only these statuses (comma-separated): ${EPISODE_STATUSES.join(', ')}`);
    expect(EPISODE_STATUSES).toEqual(expect.arrayContaining(['env_broken', 'infra_error']));
  });

  it('exports only the statuses named, env_broken and infra_error included', { timeout: 120_000 }, async () => {
    const both = await workgym('data', 'export', run, '--format', 'proto', '--out', join(dir, 'lost.pb'), '--status', 'env_broken,infra_error', '--json');
    expect(both.code, both.stderr).toBe(0);
    expect(JSON.parse(both.stdout)).toMatchObject({ episodes: 2, rows: 2 });
    const broken = await workgym('data', 'export', run, '--format', 'proto', '--out', join(dir, 'broken.pb'), '--status', 'env_broken', '--json');
    expect(JSON.parse(broken.stdout)).toMatchObject({ episodes: 1, rows: 1 });
  });

  it('refuses a status that does not exist in one line naming the ones that do', async () => {
    const { code, stderr } = await workgym('data', 'export', run, '--format', 'proto', '--out', join(dir, 'never.pb'), '--status', 'success,broken');
    expect(code).toBe(1);
    expect(stderr.split('\n')[0]).toBe(`workgym: --status must be ${EPISODE_STATUSES.slice(0, -1).join(', ')} or ${EPISODE_STATUSES.at(-1)}, not broken`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
