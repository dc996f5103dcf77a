import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

// What a random agent is paid: its success, 0 or 1, unless --reward shaped is given; either way
// the record keeps the shaped reward. The env is the counter test env with its components in the
// order that pays a random agent's early submit half the shaped reward (fixtures/early-submit-counter.ts),
// so the two modes must differ.

const counter = fileURLToPath(new URL('./fixtures/early-submit-counter.ts', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-reward-'));
});

const randomRollout = (out: string, ...more: string[]) =>
  workgym(
    'rollout',
    '--env-module',
    counter,
    '--env',
    'counter',
    '--runtime',
    'local',
    '--agent',
    'random',
    '--episodes',
    '6',
    '--group',
    '2',
    '--max-steps',
    '6',
    '--out',
    join(dir, out),
    ...more,
  );

async function records(out: string): Promise<EpisodeRecord[]> {
  await using run = await openRun(join(dir, out));
  const all: EpisodeRecord[] = [];
  for await (const record of run.records()) all.push(record);
  return all;
}

describe('--reward', () => {
  it('pays a random agent only 0 and 1 by default, keeping the shaped reward in every record', { timeout: 300_000 }, async () => {
    const run = await randomRollout('success');
    expect(run.code, run.stderr).toBe(0);
    const all = await records('success');
    expect(all).toHaveLength(12);
    for (const r of all) {
      expect(r).toMatchObject({ rewardMode: 'success', finalReward: r.success ? 1 : 0 });
      expect(typeof r.shapedReward).toBe('number');
      expect(r.rewardComponents).toHaveProperty('submitted');
    }
    // What --reward shaped would have paid some of them: not 0 or 1.
    expect(all.some((r) => r.shapedReward === 0.5)).toBe(true);
    const stats = await workgym('data', 'stats', join(dir, 'success'), '--json');
    const { meanReward, successRate } = JSON.parse(stats.stdout) as { meanReward: number; successRate: number };
    // The stats' mean score is the shaped reward, beside the success.
    expect(meanReward).toBeCloseTo(all.reduce((sum, r) => sum + r.shapedReward!, 0) / all.length, 12);
    expect(successRate).toBe(all.filter((r) => r.success).length / all.length);
  });

  it('pays the shaped reward with --reward shaped, and a resume keeps the mode', { timeout: 300_000 }, async () => {
    const run = await randomRollout('shaped', '--reward', 'shaped');
    expect(run.code, run.stderr).toBe(0);
    const all = await records('shaped');
    expect(all).toHaveLength(12);
    for (const r of all) expect(r).toMatchObject({ rewardMode: 'shaped', finalReward: r.shapedReward });
    expect(all.some((r) => r.finalReward === 0.5)).toBe(true);
    const resumed = await randomRollout('shaped', '--resume');
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/cannot resume .* its reward is "shaped", not "success"/);
  });

  it('runs an eval under the mode asked for, and refuses --reward with --run (the run was paid already)', { timeout: 300_000 }, async () => {
    const out = join(dir, 'eval');
    const evaluated = await workgym(
      'eval',
      '--env-module',
      counter,
      '--env',
      'counter',
      '--runtime',
      'local',
      '--agent',
      'random',
      '--episodes',
      '3',
      '--reward',
      'shaped',
      '--out',
      out,
    );
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect((await records('eval')).map((r) => r.rewardMode)).toEqual(Array(3).fill('shaped'));
    const refused = await workgym('eval', '--run', out, '--reward', 'shaped');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^workgym: --run scores the episodes .* so --reward \(how to play new episodes, with --agent\) cannot change them; drop it$/m,
    );
  });

  it('refuses a mode it does not know, in one line and a hint, on every command that takes it', async () => {
    for (const command of [
      ['rollout', '--agent', 'random', '--out', join(dir, 'never')],
      ['eval', '--agent', 'random'],
      ['train', '--online', '--out', join(dir, 'never')],
      ['transfer', '--out', join(dir, 'never')],
    ]) {
      const result = await workgym(...command, '--reward', 'partial');
      expect({ command: command[0], code: result.code, stderr: result.stderr }).toEqual({
        command: command[0],
        code: 1,
        stderr: `workgym: --reward must be success or shaped, not partial\nhint: see \`workgym ${command[0]} --help\`\n`,
      });
    }
  });
});
