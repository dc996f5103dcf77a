import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_CLI_ARGS } from './run-cli.js';

// An env package outside the repository, as its author makes and uses it: `workgym env init`,
// `npm install` in it (workgym's packages are linked from this checkout, so no registry is
// asked), its own conformance test, then `check` and an expert `rollout` under Docker with
// --env-module, and nothing in workgym edited. Then what a broken package does to a command.

const exec = promisify(execFile);
// The CLI from source (bundled by the global setup, else through tsx), from any working folder: a loader by its absolute URL.
const NODE_ARGS = FAST_CLI_ARGS.map((arg) => (arg === 'tsx' ? import.meta.resolve('tsx') : arg));
const NAME = 'desk-notes';
let dir: string;
let pkg: string;

/** Runs a command in `cwd` to the end; a non-zero exit is returned, not thrown. */
async function run(cwd: string, file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(file, args, { cwd, timeout: 600_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

const workgym = (cwd: string, ...args: string[]) => run(cwd, process.execPath, [...NODE_ARGS, ...args]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-env-packages-'));
  pkg = join(dir, 'packages', NAME);
  const init = await workgym(dir, 'env', 'init', NAME, '--dir', 'packages/desk-notes');
  expect(init.stderr).toBe('');
  expect(init.stdout).toContain(`wrote ${pkg}: the env package ${NAME} with the family ${NAME}/find-code`);
  // --offline: the registry is never asked, so a package that needed it would fail here.
  const install = await run(pkg, 'npm', ['install', '--offline', '--no-audit', '--no-fund']);
  expect(install.code, install.stderr).toBe(0);
});

describe('an env package made by `workgym env init`', () => {
  it('passes its own conformance test, `check --env-module` and an expert rollout under Docker', { timeout: 900_000 }, async () => {
    const test = await run(pkg, 'npm', ['test']);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain('# pass 1');

    // One image whatever folder a command runs in (the check below runs in dir, the rollout in the package).
    const plans = await Promise.all([dir, pkg].map((cwd) => workgym(cwd, 'images', 'build', '--env-module', pkg, NAME, '--dry-run')));
    const tags = plans.map((plan) => new RegExp(`${NAME}: (workgym/${NAME}:[0-9a-f]{16}) (would be built|is up to date)`).exec(plan.stdout)?.[1]);
    expect(tags[0], plans[0]!.stdout + plans[0]!.stderr).toBeDefined();
    expect(tags[1]).toBe(tags[0]);

    const check = await workgym(dir, 'check', '--env-module', pkg, NAME, '--seeds', '1');
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`${NAME}: conforms`);

    const out = join(dir, 'runs', 'expert');
    const rollout = await workgym(pkg, 'rollout', '--env-module', '.', '--env', NAME, '--agent', 'expert', '--episodes', '2', '--out', out);
    expect(rollout.code, rollout.stdout + rollout.stderr).toBe(0);
    expect(rollout.stdout).toMatch(new RegExp(`^${NAME} +2 +2 +100\\.0% +1\\.000 `, 'm'));
    const stats = await workgym(dir, 'data', 'stats', out, '--json');
    expect(JSON.parse(stats.stdout)).toMatchObject({ episodes: 2, successes: 2, byEnv: { [NAME]: { episodes: 2, successes: 2 } } });
  });

  it('refuses a bad name, a shipped env name and a folder that is not empty, in one line', async () => {
    for (const [args, line] of [
      [['Desk_Notes'], 'workgym: name the env in kebab-case (lowercase letters, digits and dashes, e.g. ticket-triage), not "Desk_Notes"'],
      [['code'], 'workgym: "code" is the name of an env workgym already has; pick another name'],
      [['other', '--dir', pkg], `workgym: ${pkg} is not an empty folder; pick another --dir`],
    ] as const) {
      const result = await workgym(dir, 'env', 'init', ...args);
      expect(result.code).toBe(1);
      expect(result.stderr.split('\n')[0]).toBe(line);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });
});

describe('workgym.config.json and broken env packages', () => {
  it('lists the config file as where an env came from; a broken package is one line and the other envs work on', async () => {
    const project = join(dir, 'project');
    await mkdir(join(project, 'broken'), { recursive: true });
    await writeFile(join(project, 'broken', 'package.json'), JSON.stringify({ name: 'broken', type: 'module', main: 'index.js' }));
    await writeFile(join(project, 'broken', 'index.js'), 'export const manifest = {\n');
    const config = join(project, 'workgym.config.json');
    await writeFile(config, JSON.stringify({ envs: [`../packages/${NAME}`, './broken'] }));
    const notLoaded = `workgym: not loaded: env package "./broken" (from ${config}) failed to import ${join(project, 'broken', 'index.js')}: SyntaxError: Unexpected end of input`;

    // From a folder below the project: the nearest config file above is the one.
    await mkdir(join(project, 'sub'));
    const envs = await workgym(join(project, 'sub'), 'envs', '--env', `${NAME},code`, '--json');
    expect(envs.code).toBe(0);
    expect(envs.stderr).toBe(`${notLoaded}\n`);
    const listed = (JSON.parse(envs.stdout) as { envs: { name: string; source: string }[] }).envs;
    expect(listed.map((e) => [e.name, e.source])).toContainEqual([NAME, config]);
    expect(listed.map((e) => [e.name, e.source])).toContainEqual(['code', 'shipped']);

    // A command that names an env the broken package may have held fails with that line.
    const named = await workgym(project, 'check', 'broken-notes', '--runtime', 'local', '--dry-run');
    expect(named.code).toBe(1);
    expect(named.stderr).toContain('workgym: unknown env "broken-notes"; known envs: ');
    expect(named.stderr).toContain(`; not loaded: ${notLoaded.replace('workgym: not loaded: ', '')}\n`);
    expect(named.stderr).not.toMatch(/^\s+at /m);
  });
});
