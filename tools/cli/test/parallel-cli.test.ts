import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectDocker, LABEL_OWNER } from '@workgym/runtime';
import { FAST_CLI_ARGS, workgym } from './run-cli.js';

// --parallel: auto by default, an explicit value cut to what fits in memory with a warning, and
// no more containers started than the plan says. The env is the counter test env with each
// container limited to a third of the free memory (fixtures/roomy-counter.ts): two fit.

const roomyCounter = fileURLToPath(new URL('./fixtures/roomy-counter.ts', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-parallel-'));
});

/** Runs `workgym ...args` to the end, noting every container it started (by its owner label) while it ran. */
function rolloutCountingContainers(args: string[]): Promise<{ code: number | null; stderr: string; containers: number }> {
  const docker = connectDocker();
  const child = spawn(process.execPath, [...FAST_CLI_ARGS, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const seen = new Set<string>();
  const poll = setInterval(() => {
    void docker.listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${hostname()}:${child.pid}`] } }).then(
      (list) => list.forEach((c) => seen.add(c.Id)),
      () => undefined,
    );
  }, 100);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stderr, containers: seen.size });
    }),
  );
}

const rollout = (out: string, ...more: string[]) => [
  'rollout',
  '--env-module',
  roomyCounter,
  '--env',
  'counter',
  '--agent',
  'expert',
  '--episodes',
  '6',
  '--out',
  join(dir, out),
  ...more,
];

describe('--parallel', () => {
  it('cuts a value beyond what fits in memory, with a warning that says why, and starts no more containers than the plan', { timeout: 300_000 }, async () => {
    const run = await rolloutCountingContainers(rollout('capped', '--parallel', '1000'));
    expect(run.code, run.stderr).toBe(0);
    const warning =
      /\[rollout\] warning: --parallel 1000 is more than fits: counter runs (\d+) \((\d+) containers? of \d+ MiB, 1 episode each, in 80% of [\d.]+ GiB available memory shared by 1 env\)/.exec(
        run.stderr,
      );
    expect(warning, run.stderr).not.toBeNull();
    const [lanes, containers] = [Number(warning![1]), Number(warning![2])];
    expect(lanes).toBe(2);
    expect(containers).toBe(2);
    expect(run.stderr).toContain('[rollout] parallel: counter 2 in flight on 2 containers');
    expect(run.containers).toBeGreaterThan(0);
    expect(run.containers).toBeLessThanOrEqual(containers);
  });

  it('is auto by default: sized at the start, with no warning', { timeout: 300_000 }, async () => {
    const plan = await workgym(...rollout('planned', '--dry-run'));
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('auto in flight per env (sized at the start)');
    const run = await rolloutCountingContainers(rollout('auto'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\[rollout\] parallel: counter [12] in flight on [12] containers?/);
    expect(run.stderr).not.toContain('warning');
    expect(run.containers).toBeLessThanOrEqual(2);
  });

  it('refuses a value that is neither a count nor auto, in one line', async () => {
    for (const [command, value] of [
      ['rollout', 'lots'],
      ['eval', '0'],
      ['eval', 'lots'],
      ['worker', '-1'],
    ] as const) {
      const args = command === 'rollout' ? rollout('never', '--parallel', value) : [command, '--parallel', value];
      const result = await workgym(...args);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr.split('\n')[0]).toBe(`workgym: --parallel must be a whole number >= 1 or auto, not ${value}`);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
    const zero = await workgym(...rollout('never', '--parallel', '0'));
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('\n  parallel: a whole number >= 1 or auto\n');
  });
});
