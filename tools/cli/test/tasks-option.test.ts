import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '@workgym/trajectories';
import { noFamilyRefusal, workgym } from './run-cli.js';

// --tasks [ENV=]PATH on envs, rollout, eval and check: which env a path goes to, and the one-line
// refusals. The browser env's MiniWoB++ fixture is the task set (its pages are families).

const MINIWOB = fileURLToPath(new URL('../../../envs/browser/test/fixtures/miniwob', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-tasks-option-'));
  await writeFile(join(dir, 'not-tasks.json'), '{}');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The line a refusal prints, after checking it is one line (and a hint) with exit code 1. */
function refusal(result: { code: number; stdout: string; stderr: string }): string {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines.length).toBeLessThanOrEqual(2);
  return lines[0]!;
}

describe('--tasks', () => {
  it('lists the families of a task set beside the env own (envs --tasks ENV=PATH, or a plain PATH with one --env)', async () => {
    const named = await workgym('envs', '--tasks', `browser=${MINIWOB}`, '--json');
    expect(named.code, named.stderr).toBe(0);
    const envs = (JSON.parse(named.stdout) as { envs: { name: string; families: { id: string }[] }[] }).envs;
    const browser = envs.find((e) => e.name === 'browser')!.families.map((f) => f.id);
    expect(browser).toEqual(expect.arrayContaining(['browser/miniwob.click-button', 'browser/desk-triage']));
    expect(
      envs
        .find((e) => e.name === 'code')!
        .families.map((f) => f.id)
        .some((id) => id.includes('miniwob')),
    ).toBe(false);
    const plain = await workgym('envs', '--env', 'browser', '--tasks', MINIWOB);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('browser/miniwob.click-button');
  }, 300_000);

  it('refuses in one line a path with no env to go to, an unknown env, an env not selected, and a missing path', async () => {
    expect(refusal(await workgym('envs', '--tasks', MINIWOB))).toBe(
      `workgym: --tasks ${MINIWOB}: say which env loads it, --tasks ENV=${MINIWOB} (a plain path needs exactly one env selected)`,
    );
    expect(refusal(await workgym('rollout', '--agent', 'nothing', '--out', join(dir, 'r'), '--tasks', `shop=${MINIWOB}`, '--dry-run'))).toBe(
      `workgym: --tasks shop=${MINIWOB}: unknown env "shop"; known envs: code, browser, spreadsheet, mcp, workday`,
    );
    expect(refusal(await workgym('eval', '--agent', 'nothing', '--env', 'code', '--tasks', `browser=${MINIWOB}`, '--dry-run'))).toBe(
      `workgym: --tasks browser=${MINIWOB}: env browser is not among the selected envs (code)`,
    );
    expect(refusal(await workgym('check', 'browser', '--tasks', join(dir, 'missing'), '--dry-run'))).toBe(
      `workgym: --tasks ${join(dir, 'missing')}: ${join(dir, 'missing')}: no such file or folder`,
    );
  }, 300_000);

  it('says in one line that an env has no loader for a path (its TaskSetError)', async () => {
    const line = refusal(
      await workgym('rollout', '--env', 'browser', '--tasks', join(dir, 'not-tasks.json'), '--agent', 'nothing', '--out', join(dir, 'r'), '--dry-run'),
    );
    expect(line).toMatch(new RegExp(`^workgym: ${join(dir, 'not-tasks.json')}: .*browser`));
    expect(line).not.toMatch(/internal error/);
  }, 300_000);

  it('selects the set families with --family and names the set in the plan (rollout, eval, check)', async () => {
    const rollout = await workgym(
      'rollout',
      '--env',
      'browser',
      '--tasks',
      MINIWOB,
      '--family',
      'browser/miniwob.*',
      '--agent',
      'nothing',
      '--out',
      join(dir, 'r'),
      '--dry-run',
    );
    expect(rollout.code, rollout.stderr).toBe(0);
    expect(rollout.stdout).toContain('envs: browser: 13 families (browser/miniwob.choose-list, browser/miniwob.click-button,');
    expect(rollout.stdout).toContain(`tasks: browser=${MINIWOB}`);
    const evaluation = await workgym('eval', '--agent', 'nothing', '--tasks', `browser=${MINIWOB}`, '--family', 'browser/miniwob.click-b*', '--dry-run');
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(evaluation.stdout).toContain('envs: browser: 1 family (browser/miniwob.click-button)');
    const check = await workgym('check', 'browser', '--tasks', MINIWOB, '--family', 'browser/miniwob.*', '--dry-run');
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/browser: browser\/miniwob\./);
  }, 300_000);

  it('a --family glob that matches nothing is refused the same way by check and rollout, listing the families', async () => {
    expect(refusal(await workgym('check', 'browser', '--tasks', MINIWOB, '--family', 'browser/miniwob.nope-*', '--dry-run'))).toMatch(
      noFamilyRefusal('browser/miniwob.nope-*', 'browser/miniwob.click-button'),
    );
    expect(
      refusal(
        await workgym(
          'rollout',
          '--env',
          'browser',
          '--tasks',
          MINIWOB,
          '--family',
          'browser/miniwob.nope-*',
          '--agent',
          'nothing',
          '--out',
          join(dir, 'r'),
          '--dry-run',
        ),
      ),
    ).toMatch(noFamilyRefusal('browser/miniwob.nope-*', 'browser/miniwob.click-button'));
  }, 300_000);

  it('refuses --agent expert on pages with no expert before anything runs (rollout, eval); pages with one pass', async () => {
    const refused = `workgym: --agent expert: 1 selected family has no expert (browser/miniwob.count-sides); narrow --family to families with one (\`workgym envs\` lists their strategies)`;
    const rollout = (family: string) =>
      workgym('rollout', '--env', 'browser', '--tasks', MINIWOB, '--family', family, '--agent', 'expert', '--out', join(dir, 'r'), '--dry-run');
    expect(refusal(await rollout('browser/miniwob.*'))).toBe(refused);
    expect(refusal(await workgym('eval', '--agent', 'expert', '--tasks', `browser=${MINIWOB}`, '--family', 'browser/miniwob.c*', '--dry-run'))).toBe(refused);
    const withExperts = await rollout('browser/miniwob.click-*');
    expect(withExperts.code, withExperts.stderr).toBe(0);
  }, 300_000);
});

describe('--reset-options', () => {
  it('refuses in one line what is not a JSON object (rollout, eval, a config file)', async () => {
    expect(refusal(await workgym('rollout', '--agent', 'nothing', '--out', join(dir, 'r'), '--reset-options', '[1]', '--dry-run'))).toBe(
      `workgym: --reset-options must be a JSON object, e.g. '{"key": 1}', not [1]`,
    );
    expect(refusal(await workgym('eval', '--agent', 'nothing', '--reset-options', '{x', '--dry-run'))).toMatch(
      /^workgym: --reset-options must be a JSON object, e.g. '\{"key": 1\}'; \{x is not JSON/,
    );
    await writeFile(join(dir, 'rollout.json'), JSON.stringify({ agent: 'nothing', out: join(dir, 'r'), resetOptions: 'cases=1' }));
    const config = await workgym('rollout', '--config', join(dir, 'rollout.json'), '--dry-run');
    expect(config.code).toBe(1);
    expect(config.stderr).toMatch(/invalid rollout configuration[\s\S]*resetOptions:/);
  }, 300_000);

  it('reach the env at every reset: the spreadsheetbench family reads its task from them and refuses an incomplete one', async () => {
    const planned = await workgym(
      'rollout',
      '--env',
      'spreadsheet',
      '--family',
      'spreadsheet/spreadsheetbench',
      '--agent',
      'nothing',
      '--out',
      join(dir, 'sb'),
      '--reset-options',
      '{"spreadsheetbench":{"instruction":"x"}}',
      '--dry-run',
    );
    expect(planned.stdout).toContain('reset options: {"spreadsheetbench":{"instruction":"x"}}');
    const run = await workgym(
      'rollout',
      '--env',
      'spreadsheet',
      '--family',
      'spreadsheet/spreadsheetbench',
      '--agent',
      'nothing',
      '--max-steps',
      '1',
      '--runtime',
      'local',
      '--out',
      join(dir, 'sb'),
      '--reset-options',
      '{"spreadsheetbench":{"instruction":"x"}}',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/reset spreadsheet\/spreadsheetbench seed 0: bad_request: options\.spreadsheetbench needs/);
  }, 600_000);
});

describe('eval suite metrics', () => {
  it('prints the benchmark metric of a task set next to the table, and writes it in --json', async () => {
    const run = join(dir, 'miniwob-run');
    const writer = await createRun(run);
    const episode = (task: string, seed: number, raw: number) => ({
      episodeId: `browser/miniwob.${task}:test:${seed}:0`,
      env: 'browser',
      family: `browser/miniwob.${task}`,
      split: 'test',
      seed,
      status: raw > 0 ? ('success' as const) : ('failure' as const),
      success: raw > 0,
      finalReward: Math.max(0, raw),
      rewardComponents: { miniwob_reward: Math.max(0, raw), miniwob_raw_reward: raw },
      steps: [],
    });
    for (const e of [episode('click-button', 1, 1), episode('click-button', 2, 0.5), episode('enter-text', 1, -1), episode('enter-text', 2, 0)])
      await writer.append(e);
    await writer.finalize();
    const result = await workgym('eval', '--run', run, '--json', join(dir, 'eval.json'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('## Suite metrics');
    expect(result.stdout).toContain('| browser | miniwob | 2 | 4 | mean_reward 0.125, success_rate 50.0% |');
    const report = JSON.parse(await readFile(join(dir, 'eval.json'), 'utf8')) as { suites: unknown[] };
    expect(report.suites).toEqual([
      { suite: 'miniwob', env: 'browser', tasks: 2, episodes: 4, values: { mean_reward: 0.125, success_rate: 0.5 }, unscored: 0 },
    ]);
  }, 300_000);
});

describe('check --tasks', () => {
  it("checks a set's families, skipping (and saying so) the expert checks of a page that has no expert", async () => {
    // The fixture suite plus a page no expert is written for: click-test's page under another name.
    const suite = join(dir, 'miniwob');
    await cp(MINIWOB, suite, { recursive: true });
    await cp(join(suite, 'html/miniwob/click-test.html'), join(suite, 'html/miniwob/unsolved-page.html'));
    const result = await workgym(
      'check',
      'browser',
      '--tasks',
      suite,
      '--family',
      'browser/miniwob.{click-test,unsolved-page}',
      '--seeds',
      '1',
      '--runtime',
      'local',
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('browser (only 2 families): conforms');
    expect(result.stdout).toMatch(/browser\/miniwob\.click-test +ok 1\/1 +ok 1\/1 +ok 1\/1 +ok 1\/1 +ok 1\/1 +ok 1\/1 +ok 1\/1/);
    expect(result.stdout).toMatch(/browser\/miniwob\.unsolved-page +ok 1\/1 +ok 1\/1 +ok 1\/1 +skipped +skipped +skipped +ok 1\/1 +ok 1\/1/);
    expect(result.stdout).toContain('skipped: the expert checks of 1 task-set family with no expert (browser/miniwob.unsolved-page); the others ran');
  }, 600_000);
});
