import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

// The expert's options on a real env (the code env's server as a child process): py-fix-bug has
// the strategies edit-file (file tools) and sed (bash).

const rollout = (run: string, ...more: string[]) =>
  workgym(
    'rollout',
    '--env',
    'code',
    '--family',
    'code/py-fix-bug',
    '--runtime',
    'local',
    '--agent',
    'expert',
    '--episodes',
    '1',
    '--max-steps',
    '12',
    '--out',
    run,
    ...more,
  );

async function records(run: string): Promise<EpisodeRecord[]> {
  await using reader = await openRun(run);
  const all: EpisodeRecord[] = [];
  for await (const record of reader.records()) all.push(record);
  return all;
}

const tools = (record: EpisodeRecord) => record.steps!.filter((s) => !s.injected).map((s) => s.toolCalls![0]!.name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-expert-'));
});

describe('rollout --agent expert', () => {
  it('--expert-variant changes the expert calls, and each step records the strategy it followed', { timeout: 600_000 }, async () => {
    const [files, shell] = [join(dir, 'edit-file'), join(dir, 'sed')];
    for (const [run, variant] of [
      [files, 'edit-file'],
      [shell, 'sed'],
    ] as const) {
      const result = await rollout(run, '--expert-variant', variant);
      expect(result.code, result.stderr).toBe(0);
    }
    const [byFiles] = await records(files);
    const [byShell] = await records(shell);
    expect([byFiles!.status, byShell!.status]).toEqual(['success', 'success']);
    expect(tools(byFiles!)).toContain('edit_file');
    expect(tools(byShell!)).not.toContain('edit_file');
    expect(byShell!.steps!.some((s) => s.toolCalls![0]!.name === 'bash' && /\bsed -i\b/.test(s.toolCalls![0]!.argumentsJson!))).toBe(true);
    expect(new Set(byFiles!.steps!.map((s) => s.strategy))).toEqual(new Set(['edit-file']));
    expect(new Set(byShell!.steps!.map((s) => s.strategy))).toEqual(new Set(['sed']));
    expect(JSON.parse(byShell!.agent!.sampling!.extraJson!)).toEqual({ strategy: 'sed' });
    // A resume with another strategy would mix two under one run: refused.
    const other = await rollout(shell, '--expert-variant', 'edit-file', '--resume');
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/^workgym: cannot resume .*its agent sampling is .*sed.*, not .*edit-file/m);
  });

  it('refuses a strategy the family does not have in one line naming the ones it has, before running anything', { timeout: 300_000 }, async () => {
    const run = join(dir, 'teleport');
    const result = await rollout(run, '--expert-variant', 'teleport');
    expect(result.code).toBe(1);
    const [first, ...rest] = result.stderr.trim().split('\n');
    expect(first).toMatch(
      /^workgym: --expert-variant teleport: 1 selected family has no such expert strategy \(code\/py-fix-bug has edit-file, sed; near-misses .+\)/,
    );
    expect(rest.every((line) => line.startsWith('hint: '))).toBe(true);
    expect(existsSync(run)).toBe(false);
  });

  it('--noise injects candidate actions, marked in the record with the noise and seed the run used', { timeout: 600_000 }, async () => {
    const run = join(dir, 'noise');
    const result = await rollout(run, '--noise', '0.5', '--seed', '4');
    expect(result.code, result.stderr).toBe(0);
    const [record] = await records(run);
    const injected = record!.steps!.filter((s) => s.injected);
    expect(injected.length).toBeGreaterThan(0);
    for (const step of injected) {
      const offered = step.observation!.candidates!.map((c) => `${c.name}${c.argumentsJson}`);
      expect(offered).toContain(`${step.toolCalls![0]!.name}${step.toolCalls![0]!.argumentsJson}`);
    }
    expect(record!.agent!.sampling).toMatchObject({ seed: 4, extraJson: JSON.stringify({ noise: 0.5 }) });
  });

  it('refuses --noise and --expert-variant for other agents, and a noise that is not a probability', { timeout: 300_000 }, async () => {
    const random = await workgym('rollout', '--env', 'code', '--agent', 'random', '--noise', '0.2', '--expert-variant', 'sed', '--out', join(dir, 'x'));
    expect(random.code).toBe(1);
    expect(random.stderr).toContain('--expert-variant is for --agent expert');
    expect(random.stderr).toContain('--noise is for --agent expert');
    const tooMuch = await rollout(join(dir, 'y'), '--noise', '2');
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr).toMatch(/noise: a probability, 0 to 1/);
    const evalRandom = await workgym('eval', '--agent', 'random', '--expert-variant', 'sed', '--env', 'code');
    expect(evalRandom.code).toBe(1);
    expect(evalRandom.stderr).toMatch(/^workgym: --expert-variant is for --agent expert$/m);
  });
});
