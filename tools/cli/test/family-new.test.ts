import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRepository } from './repo-copy.js';
import { noFamilyRefusal } from './run-cli.js';

// The "done when": a family added through `workgym family new` is picked up by `envs`,
// `check` and `rollout` with no manual rebuild. Run as a contributor would, in a copy of the
// repository, through the real bin: it runs the packages' builds and rebuilds what is stale.

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const FAMILY = 'code/parse-duration';
let copy: string;

/** Runs the copy's `workgym ...args` (its bin, as `npx workgym` would); a non-zero exit is returned, not thrown. */
function workgym(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  // The copy runs its builds, not the test's sources.
  delete env.NODE_OPTIONS;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(copy, 'tools/cli/bin/workgym.js'), ...args],
      { cwd: copy, env, timeout: 600_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The line a refusal is said in. */
const refusal = (stderr: string) => stderr.split('\n').find((line) => line.startsWith('workgym: '));

/** Every file under the folders a family is written to, with its size and modification time. */
function snapshot(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(copy, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[path] = `${statSync(join(copy, path)).size} ${statSync(join(copy, path)).mtimeMs}`;
    }
  };
  for (const dir of ['envs/code/src/tasks', 'docs/envs']) walk(dir);
  return files;
}

/** A run's mean reward and successes for the family (from `workgym data stats --json`). */
async function scored(run: string): Promise<{ episodes: number; successes: number; meanReward: number }> {
  const stats = await workgym('data', 'stats', run, '--json');
  expect(stats.code, stats.stderr).toBe(0);
  return (JSON.parse(stats.stdout) as { byFamily: Record<string, { episodes: number; successes: number; meanReward: number }> }).byFamily[FAMILY]!;
}

describe('workgym family new, end to end in a copy of the repository', () => {
  beforeAll(() => {
    copy = copyRepository(repository);
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('resolves @workgym/* to the copy’s own packages', () => {
    const require = createRequire(join(copy, 'tools/cli/package.json'));
    const names = readdirSync(join(copy, 'node_modules/@workgym'));
    expect(names).toContain('env-code');
    for (const name of names) {
      // Resolved through the package's own exports, as an import of it is (the CLI has none: any file resolves).
      const { exports } = JSON.parse(readFileSync(join(copy, 'node_modules/@workgym', name, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
      const entry = `@workgym/${name}${exports ? Object.keys(exports)[0]!.slice(1) : '/package.json'}`;
      expect(realpathSync(require.resolve(entry))).toMatch(new RegExp(`^${realpathSync(copy)}/`));
    }
    expect(existsSync(join(copy, 'envs/code/src/tasks/templates/implement-function.ts'))).toBe(true);
  });

  it('refuses an unknown shape, a taken name and a name that is not kebab-case in one line, writing nothing', async () => {
    const before = snapshot();
    const refusals = [
      [['family', 'new', 'code/parse-duration', '--like', 'no-such-shape'], /code has no shape "no-such-shape"; its shapes: .*implement-function/],
      [['family', 'new', 'code/py-fix-bug', '--like', 'implement-function'], /code\/py-fix-bug exists already \(envs\/code\/src\/tasks\/py-fix-bug\.ts\)/],
      [['family', 'new', 'code/ParseDuration', '--like', 'implement-function'], /a family name is kebab-case .* not "ParseDuration"/],
      [['family', 'new', 'parse-duration', '--like', 'implement-function'], /name the family as <env>\/<name>/],
      [['family', 'new', 'nope/parse-duration', '--like', 'implement-function'], /unknown env "nope", or one without family shapes; envs with shapes: .*code/],
    ] as const;
    for (const [args, message] of refusals) {
      const result = await workgym(...args);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toBe('');
      // The message line (after the rebuild's own line, if the copy was stale), then the hint; never a stack trace.
      expect(refusal(result.stderr)).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(snapshot()).toEqual(before);
  }, 900_000);

  it('refuses outside a repository checkout (the CLI as an installed package)', async () => {
    const installed = join(copy, 'node_modules/@workgym/cli-installed');
    for (const part of ['package.json', 'bin', 'dist']) cpSync(join(copy, 'tools/cli', part), join(installed, part), { recursive: true });
    const run = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, [join(installed, 'bin/workgym.js'), ...args], { cwd: copy }, (error, stdout, stderr) =>
          resolve({ code: error ? 1 : 0, stdout, stderr }),
        ),
      );
    try {
      const before = snapshot();
      const refused = await run('family', 'new', FAMILY, '--like', 'implement-function');
      expect(refused.code).toBe(1);
      expect(refused.stderr.split('\n')[0]).toBe('workgym: workgym family new works in a workgym repository checkout (it writes into envs/ and docs/)');
      expect(snapshot()).toEqual(before);
      expect((await run('family', 'new', '--help')).stdout).toContain('(only in a repository checkout)');
    } finally {
      rmSync(installed, { recursive: true, force: true });
    }
  }, 300_000);

  it('writes a family that envs, check and rollout pick up without a manual rebuild', async () => {
    const help = await workgym('family', 'new', '--help');
    expect(help.stdout).toMatch(/code\n(.*\n)*\s+implement-function\s+\S/);

    const unplanned = snapshot();
    const planned = await workgym('family', 'new', FAMILY, '--like', 'implement-function', '--dry-run');
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('would write: envs/code/src/tasks/parse-duration.ts');
    expect(snapshot()).toEqual(unplanned);

    const written = await workgym('family', 'new', FAMILY, '--like', 'implement-function');
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain(`workgym check code --family ${FAMILY} --runtime local`);
    expect(written.stdout).toMatch(/--agent nothing .*\n.*--agent submit/);
    const file = readFileSync(join(copy, 'envs/code/src/tasks/parse-duration.ts'), 'utf8');
    expect(file).toContain("name: 'parse-duration'");
    expect(file).toContain('export const parseDuration');
    expect(file).not.toMatch(/template|from '\.\.\//);
    expect(readFileSync(join(copy, 'envs/code/src/tasks/index.ts'), 'utf8')).toMatch(
      /import \{ parseDuration \} from '\.\/parse-duration\.js';[\s\S]*FAMILIES[\s\S]*parseDuration,\n\];/,
    );
    expect(readFileSync(join(copy, 'docs/envs/code.md'), 'utf8')).toMatch(
      /\n\| `code\/parse-duration` \| easy \| \*\*New, from the `implement-function` shape:\*\* .+ \|\n/,
    );

    const envs = await workgym('envs', '--json');
    expect(envs.code, envs.stderr).toBe(0);
    expect(envs.stderr).toMatch(/changed since the last build: rebuilding/);
    const listed = (JSON.parse(envs.stdout) as { envs: { name: string; families: { id: string }[] }[] }).envs;
    expect(listed.find((e) => e.name === 'code')!.families.map((f) => f.id)).toContain(FAMILY);

    const again = await workgym('family', 'new', FAMILY, '--like', 'implement-function');
    expect(refusal(again.stderr)).toMatch(/^workgym: code\/parse-duration exists already/);

    // The guessing floor plays the template's constant guesses (50 seeds by default: 3 here).
    const checked = await workgym('check', 'code', '--family', FAMILY, '--runtime', 'local', '--seeds', '1', '--relaxation-seeds', '3', '--guess-seeds', '3');
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toContain(`code (only ${FAMILY}): conforms`);
    expect(checked.stdout).toMatch(new RegExp(`guessing floor \\[${FAMILY}\\]: succeeded: .+ 0/3`));
    expect(checked.stdout).not.toMatch(/code\/py-/);

    const expert = await workgym(
      'rollout',
      '--env',
      'code',
      '--family',
      FAMILY,
      '--agent',
      'expert',
      '--episodes',
      '1',
      '--runtime',
      'local',
      '--out',
      join(copy, 'runs/expert'),
    );
    expect(expert.code, expert.stderr).toBe(0);
    expect(await scored(join(copy, 'runs/expert'))).toMatchObject({ episodes: 1, successes: 1, meanReward: 1 });

    const nothing = await workgym(
      'rollout',
      '--env',
      'code',
      '--family',
      FAMILY,
      '--agent',
      'nothing',
      '--episodes',
      '1',
      '--runtime',
      'local',
      '--out',
      join(copy, 'runs/nothing'),
    );
    expect(nothing.code, nothing.stderr).toBe(0);
    expect(await scored(join(copy, 'runs/nothing'))).toMatchObject({ episodes: 1, successes: 0, meanReward: 0 });

    const unmatched = await workgym('check', 'code', '--family', 'code/no-such-*', '--runtime', 'local');
    expect(unmatched.code).toBe(1);
    expect(refusal(unmatched.stderr)).toMatch(noFamilyRefusal('code/no-such-*', FAMILY));
  }, 1_800_000);
});
