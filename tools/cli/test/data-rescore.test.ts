import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExpertAgent, rollout } from '@workgym/agents';
import { computeVerifierVersions, LocalRuntime } from '@workgym/runtime';
import { createRun, openRun, type EpisodeRecord } from '@workgym/trajectories';
import { counterSpec } from '../../../envs/runtime/test/helpers.js';
import { findEnvs } from '../src/env-registry.js';
import { workgym } from './run-cli.js';

let dir: string;
let mixed: string;

/** Real expert episodes of the counter test env, half of them stamped with another verifier version: a run that mixes verifiers. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-rescore-'));
  const played = join(dir, 'played');
  await rollout({
    runtime: new LocalRuntime(),
    agent: new ExpertAgent({ strategy: 'jump', seed: 1 }),
    envs: [{ name: 'counter', spec: await counterSpec(), families: ['counter/reach-target'] }],
    out: played,
    tasksPerFamily: 4,
    group: 1,
    split: 'train',
    seed: 0,
    parallel: 2,
    limits: { maxSteps: 10, stepDeadlineMs: 30_000, episodeDeadlineMs: 120_000 },
  });
  const records: EpisodeRecord[] = [];
  await using reader = await openRun(played);
  for await (const record of reader.records()) records.push(record);
  mixed = join(dir, 'mixed');
  const writer = await createRun(mixed);
  for (const [i, record] of records.entries()) await writer.append({ ...record, verifierVersion: i % 2 ? 'v2' : 'v1' });
  await writer.finalize();
}, 300_000);

const REFUSAL =
  'workgym: 1 family was judged by more than one verifier version: counter/reach-target (v1, v2); ' +
  're-verify the older episodes with `workgym data rescore RUN` and use its output, or pass --mix-verifiers to mix them anyway';

describe('a run whose episodes were judged by different verifier versions', () => {
  it('is refused by eval, eval compare, stats, export, sft and train in one line, exit 1, nothing written', { timeout: 300_000 }, async () => {
    const out = join(dir, 'refused');
    for (const args of [
      ['eval', '--run', mixed],
      ['eval', 'compare', mixed, mixed],
      ['data', 'stats', mixed],
      ['data', 'export', mixed, '--format', 'openai', '--out', join(out, 'sft.jsonl')],
      ['data', 'sft', mixed, '--out', out],
      ['train', '--from', mixed, '--out', out],
    ]) {
      const { code, stdout, stderr } = await workgym(...args);
      expect({ args, code, stdout, stderr: stderr.trimEnd() }).toEqual({ args, code: 1, stdout: '', stderr: REFUSAL });
    }
    expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
  });

  it('is read with --mix-verifiers', { timeout: 300_000 }, async () => {
    const stats = await workgym('data', 'stats', mixed, '--json', '--mix-verifiers');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ episodes: 4 });
    expect((await workgym('eval', '--run', mixed, '--mix-verifiers')).code).toBe(0);
  });
});

describe('workgym data rescore on a real env', () => {
  it('replays a code run with unchanged verifiers: 0 changed, 0 diverged, a new run beside it', { timeout: 600_000 }, async () => {
    const run = join(dir, 'code');
    const families = 'code/{sql-query,py-fix-bug,js-implement-function,git-history-question}';
    const played = await workgym('rollout', '--env', 'code', '--family', families, '--agent', 'expert', '--episodes', '1', '--runtime', 'local', '--out', run);
    expect(played.code, played.stderr).toBe(0);
    const { code, stdout, stderr } = await workgym('data', 'rescore', run, '--json');
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { out: string; episodes: number; changed: number; diverged: number; families: { versionAfter: string }[] };
    expect(report).toMatchObject({ out: `${run}.rescore-1`, episodes: 4, changed: 0, diverged: 0, failed: 0 });
    const versions = await computeVerifierVersions(dirname(findEnvs(['code'])[0]!.imageDir!));
    expect(report.families.map((f) => f.versionAfter).sort()).toEqual(
      ['sql-query', 'py-fix-bug', 'js-implement-function', 'git-history-question'].map((name) => versions[name]).sort(),
    );
    await using rescored = await openRun(report.out);
    expect(rescored.manifest.spec).toMatchObject({ rescoredFrom: { runId: 'code' } });
    expect(rescored.summaries().filter((s) => s.success)).toHaveLength(4);
    // The replayed run is untouched; a second rescore writes the next version.
    const again = await workgym('data', 'rescore', run, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ out: `${run}.rescore-2` });
  });

  it('replays a run recorded in docker in docker, whose image reports the versions the sources give', { timeout: 600_000 }, async () => {
    const run = join(dir, 'code-docker');
    const played = await workgym(
      'rollout',
      '--env',
      'code',
      '--family',
      'code/{sql-query,py-fix-bug}',
      '--agent',
      'expert',
      '--runtime',
      'docker',
      '--out',
      run,
    );
    expect(played.code, played.stderr).toBe(0);
    const versions = await computeVerifierVersions(dirname(findEnvs(['code'])[0]!.imageDir!));
    await using recorded = await openRun(run);
    expect(
      recorded
        .summaries()
        .map((s) => s.verifierVersion)
        .sort(),
    ).toEqual([versions['py-fix-bug'], versions['sql-query']].sort());
    const { code, stdout, stderr } = await workgym('data', 'rescore', run, '--json');
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ episodes: 2, changed: 0, diverged: 0, failed: 0 });
  });
});

describe('workgym data rescore of a task-set run', () => {
  const fixture = fileURLToPath(new URL('../../../envs/code/test/fixtures/task-sets/code-tasks.jsonl', import.meta.url));

  it(
    'replays with the task set the run recorded, refuses a set that moved in one line, and takes --tasks for its new place',
    { timeout: 600_000 },
    async () => {
      const set = join(dir, 'sets', 'code-tasks.jsonl');
      await mkdir(dirname(set), { recursive: true });
      await copyFile(fixture, set);
      const run = join(dir, 'task-set');
      const played = await workgym(
        'rollout',
        '--env',
        'code',
        '--tasks',
        set,
        '--family',
        'code/code-tasks.slugify',
        '--agent',
        'expert',
        '--runtime',
        'local',
        '--out',
        run,
      );
      expect(played.code, played.stderr).toBe(0);
      await using recorded = await openRun(run);
      expect(recorded.manifest.spec).toMatchObject({ tasks: { code: [set] } });

      const replayed = await workgym('data', 'rescore', run, '--json');
      expect(replayed.code, replayed.stderr).toBe(0);
      expect(JSON.parse(replayed.stdout)).toMatchObject({ episodes: 1, changed: 0, diverged: 0, failed: 0 });

      const moved = join(dir, 'moved', 'code-tasks.jsonl');
      await mkdir(dirname(moved), { recursive: true });
      await rename(set, moved);
      const gone = await workgym('data', 'rescore', run);
      expect({ code: gone.code, stdout: gone.stdout, stderr: gone.stderr.trimEnd() }).toEqual({
        code: 1,
        stdout: '',
        stderr: `workgym: the run's task set ${set} (env code) is gone; say where it is now with --tasks code=PATH\nhint: see \`workgym data rescore --help\``,
      });
      const found = await workgym('data', 'rescore', run, '--tasks', `code=${moved}`, '--json');
      expect(found.code, found.stderr).toBe(0);
      expect(JSON.parse(found.stdout)).toMatchObject({ episodes: 1, changed: 0, diverged: 0, failed: 0 });
    },
  );

  it('refuses, before anything starts, a run with task-set families and no task set to load them from', { timeout: 300_000 }, async () => {
    const run = join(dir, 'task-set');
    const bare = join(dir, 'task-set-bare');
    const writer = await createRun(bare);
    await using reader = await openRun(run);
    for await (const record of reader.records()) await writer.append(record);
    await writer.finalize();
    const { code, stdout, stderr } = await workgym('data', 'rescore', bare);
    expect({ code, stdout, stderr: stderr.trimEnd() }).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'workgym: the run has episodes of families no env here has: code/code-tasks.slugify; if they came from a task set, pass it with --tasks ENV=PATH\n' +
        'hint: see `workgym data rescore --help`',
    });
    expect(existsSync(`${bare}.rescore-1`)).toBe(false);
  });
});
