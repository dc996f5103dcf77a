import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

// Every command reports a user's mistake the same way, through main.ts's one handler: one line
// and perhaps a hint on stderr, exit 1, never a stack trace; with --json, {"error": {...}} on stdout.

let dir: string;
let run: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-errors-'));
  run = join(dir, 'run');
  const writer = await createRun(run);
  await writer.append({ episodeId: 'ep-1', env: 'code', family: 'code/sql-query', job: 'data-analyst', status: 'success', success: true, steps: [] });
  await writer.finalize();
  file = join(dir, 'a-file');
  await writeFile(file, 'not a folder');
});

function expectOneLine(result: { code: number; stdout: string; stderr: string }, message: string | RegExp, hint?: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(typeof message === 'string' ? new RegExp(`^workgym: ${escape(message)}$`) : message);
  if (hint) expect(lines.slice(1)).toEqual([expect.stringMatching(hint)]);
  else expect(lines).toHaveLength(1);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a user error', () => {
  it('is one line and a hint when --out is a path under a file (export, sft)', async () => {
    const under = join(file, 'sft.jsonl');
    expectOneLine(
      await workgym('data', 'export', run, '--format', 'openai', '--out', under),
      `cannot create the folder ${file}: a file is in the way (EEXIST)`,
      /^hint: pick a path that is not taken by a file$/,
    );
    expectOneLine(
      await workgym('data', 'sft', run, '--out', join(file, 'sft')),
      `--out ${join(file, 'sft')}: ${file} is a file, not a folder`,
      /^hint: pick a path that is not taken by a file$/,
    );
  });

  it('is one line when --out names a file where a run folder goes (repair, rollout)', async () => {
    expectOneLine(await workgym('data', 'repair', run, '--out', file), `${file} is a file, not a folder; pick a new folder for the run`);
    const rollout = await workgym('rollout', '--runtime', 'local', '--env', 'code', '--family', 'code/sql-query', '--agent', 'expert', '--out', file);
    expectOneLine(rollout, `${file} is a file, not a folder; pick a new folder for the run`);
  });

  it('is one line naming what is missing (stats, show, verify)', async () => {
    const missing = join(dir, 'no-run');
    for (const args of [
      ['stats', missing],
      ['show', missing, 'ep-1'],
      ['verify', missing],
    ]) {
      expectOneLine(
        await workgym('data', ...args),
        `${missing} holds no run (no manifest.json); pass the folder a rollout wrote, or create one with createRun()`,
      );
    }
    expectOneLine(await workgym('data', 'show', run, 'ep-9'), /^workgym: .*run has no episode "ep-9"/, /^hint: see `workgym data show --help`$/);
  });

  it('is JSON on stdout with --json, in the documented shape, for every kind of error', async () => {
    const cases: [string[], object][] = [
      [['data', 'stats', join(dir, 'no-run'), '--json'], { code: 'WORKGYM_RUN_NOT_FOUND', message: expect.stringContaining('holds no run') }],
      [
        ['data', 'export', run, '--format', 'openai', '--out', join(file, 'x.jsonl'), '--json'],
        { code: 'EEXIST', message: `cannot create the folder ${file}: a file is in the way (EEXIST)`, hint: 'pick a path that is not taken by a file' },
      ],
      [
        ['data', 'export', run, '--format', 'csv', '--out', join(dir, 'x'), '--json'],
        { code: 'WORKGYM_USAGE', message: expect.stringContaining("argument 'csv' is invalid") },
      ],
      [['data', 'repair', run, '--json'], { code: 'WORKGYM_USAGE', message: "required option '--out <dir>' not specified" }],
      [
        ['data', 'show', run, 'ep-9', '--json'],
        { code: 'WORKGYM_USAGE', message: expect.stringContaining('has no episode "ep-9"'), hint: 'see `workgym data show --help`' },
      ],
    ];
    for (const [args, error] of cases) {
      const result = await workgym(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toBe('');
      expect(JSON.parse(result.stdout), args.join(' ')).toEqual({ error });
    }
  });

  it('leaves a JSON file flag alone: eval --json FILE writes a file, so its errors stay lines', async () => {
    const result = await workgym('eval', '--json', join(dir, 'eval.json'), '--agent', 'nobody');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^workgym: /);
  });
});
