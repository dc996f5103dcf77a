import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_TASKS, writeSpreadsheetBenchFixture } from './spreadsheetbench-fixture.js';

// A SpreadsheetBench folder in the released layout (each task carrying a quirk of the released
// data) run from the CLI under the Docker runtime: the set is mounted read-only into the
// spreadsheet env's container, each task is a family, the expert (copying the answer file)
// succeeds on every task and doing nothing fails on every task.

const CLI = fileURLToPath(new URL('../../../tools/cli/src/main.ts', import.meta.url));

/** Runs `workgym ...args` from source to the end; a non-zero exit is returned, not thrown. */
async function workgym(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], { timeout: 540_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

let dir: string;
let bench: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-sb-cli-'));
  await chmod(dir, 0o755);
  bench = await writeSpreadsheetBenchFixture(join(dir, 'bench'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface FamilyStats {
  episodes: number;
  successes: number;
  meanReward: number;
}

/** Runs `agent` on every task of the set under docker and returns the run's per-family stats. */
async function rollout(agent: string, maxSteps: number, out: string): Promise<Record<string, FamilyStats>> {
  const run = await workgym(
    'rollout',
    '--env',
    'spreadsheet',
    '--tasks',
    bench,
    '--family',
    'spreadsheet/spreadsheetbench.*',
    '--agent',
    agent,
    '--episodes',
    '1',
    '--max-steps',
    String(maxSteps),
    '--runtime',
    'docker',
    '--out',
    join(dir, out),
  );
  expect(run.code, run.stderr).toBe(0);
  const stats = await workgym('data', 'stats', join(dir, out), '--json');
  expect(stats.code, stats.stderr).toBe(0);
  return (JSON.parse(stats.stdout) as { byFamily: Record<string, FamilyStats> }).byFamily;
}

const families = FIXTURE_TASKS.map((t) => `spreadsheet/spreadsheetbench.${t.id}`).sort();

describe('workgym rollout --tasks <SpreadsheetBench folder> under docker', () => {
  it('the expert succeeds on every task', async () => {
    const byFamily = await rollout('expert', 20, 'expert');
    expect(Object.keys(byFamily).sort()).toEqual(families);
    for (const [family, s] of Object.entries(byFamily)) expect({ family, ...s }).toMatchObject({ family, episodes: 1, successes: 1, meanReward: 1 });
  }, 600_000);

  it('doing nothing fails on every task', async () => {
    const byFamily = await rollout('nothing', 2, 'nothing');
    expect(Object.keys(byFamily).sort()).toEqual(families);
    for (const [family, s] of Object.entries(byFamily)) expect({ family, ...s }).toMatchObject({ family, episodes: 1, successes: 0, meanReward: 0 });
  }, 600_000);
});
