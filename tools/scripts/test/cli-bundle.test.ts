import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../cli-bundle.js';

// The CLI tests run the bundle instead of the sources through tsx: it must be the same CLI. Each
// command below reads files found through import.meta.url (env manifests and server entries,
// task templates, the record schema) and loads npm packages that a package folder holds its own
// version of (envs/protocol's ajv).

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = ['--conditions=source', '--import', import.meta.resolve('tsx'), join(root, 'tools/cli/src/main.ts')];
const exec = promisify(execFile);
let bundles: string;
let work: string;
let bundled: string;

/** `workgym ...args` run by `node ...cli` in the working folder, its exit code and output. */
async function run(cli: string[], args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, [...cli, ...args], { cwd: work, timeout: 300_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

beforeAll(async () => {
  await mkdir(join(root, 'node_modules/.cache'), { recursive: true });
  bundles = await mkdtemp(join(root, 'node_modules/.cache/workgym-cli-bundle-test-'));
  work = await mkdtemp(join(tmpdir(), 'workgym-cli-bundle-'));
  bundled = await bundleCli(bundles);
}, 300_000);

afterAll(async () => {
  await rm(bundles, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe('the bundled CLI', () => {
  it.each([
    ['--help'],
    ['envs', '--json'],
    ['rollout', '--agent', 'expert', '--env', 'code', '--episodes', '2', '--out', 'runs/x', '--dry-run'],
    ['check', 'browser', '--tasks', join(root, 'envs/browser/test/fixtures/miniwob'), '--dry-run'],
    ['rollout', '--agent', 'expert', '--out', 'runs/x', '--no-such-flag'],
  ])(
    'says what the CLI run from source says: workgym %s',
    async (...args: string[]) => {
      const [fromBundle, fromSource] = await Promise.all([run([bundled], args), run(tsx, args)]);
      expect(fromBundle).toEqual(fromSource);
    },
    300_000,
  );
});
