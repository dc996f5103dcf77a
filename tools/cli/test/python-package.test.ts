import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FAST_CLI_ARGS } from './run-cli.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const exec = promisify(execFile);
// Three envs' episodes, the error kinds and a rollout, each starting the CLI from source and most a
// container: long on a loaded machine.
const PYTEST_MS = 900_000;

/** Runs `command ...args` in the repository; a non-zero exit is returned with the output, not thrown. */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return exec(command, args, { cwd: repo, env, timeout: PYTEST_MS, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

describe('the Python package (python/)', () => {
  it('passes its pytest suite against the CLI from source (bundled)', { timeout: PYTEST_MS }, async () => {
    const generated = await run('bash', ['python/generate.sh']);
    expect(generated, generated.output).toMatchObject({ code: 0 });
    // Debian's python3, with python3-protobuf and python3-pytest (installed by tools/scripts/setup.sh).
    const cli = [process.execPath, ...FAST_CLI_ARGS].map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
    const env = { ...process.env, WORKGYM_CLI: cli, PYTHONDONTWRITEBYTECODE: '1' };
    const pytest = await run('/usr/bin/python3', ['-m', 'pytest', 'python/tests', '-q', '-p', 'no:cacheprovider'], env);
    expect(pytest, pytest.output).toMatchObject({ code: 0 });
    expect(pytest.output).toMatch(/^\d+ passed in /m);
  });
});
