import { fileURLToPath } from 'node:url';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layers in eslint.config.js, shown on planted files: lint (which `npm test` runs in every
// package) refuses an import against the direction of the layers and lets the allowed ones through.
// The files are only linted, never written.

const root = fileURLToPath(new URL('../../..', import.meta.url));
let eslint: ESLint;

beforeAll(async () => {
  // The rule reads Nx's cached project graph (`nx run-many` makes it); made here for a test run alone.
  await createProjectGraphAsync({ exitOnError: false });
  eslint = new ESLint({ cwd: root });
}, 300_000);

/** The module-boundary complaints about `import ... from <target>` in a file at `file`. */
async function boundaryErrors(file: string, target: string): Promise<string[]> {
  const [result] = await eslint.lintText(`export * from '${target}';\n`, { filePath: `${root}/${file}` });
  return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('the module boundaries', () => {
  it.each([
    ['an env uses runtime', 'envs/code/src/planted.ts', '@workgym/runtime'],
    ['an env uses another env', 'envs/browser/src/planted.ts', '@workgym/env-code'],
    ['protocol uses agents', 'envs/protocol/src/planted.ts', '@workgym/agents'],
    ['runtime uses an env', 'envs/runtime/src/planted.ts', '@workgym/env-spreadsheet'],
    ['trajectories uses agents', 'trajectories/src/planted.ts', '@workgym/agents'],
    ['agents use trainers', 'agents/src/planted.ts', '@workgym/trainers'],
    ['trainers use an env', 'trainers/src/planted.ts', '@workgym/env-code'],
    ['anything uses the CLI', 'trainers/test/planted.test.ts', '@workgym/cli'],
  ])('refuses %s', { timeout: 120_000 }, async (_, file, target) => {
    const errors = await boundaryErrors(file, target);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/can only depend on libs tagged with/);
  });

  it.each([
    ['an env uses protocol', 'envs/code/src/planted.ts', '@workgym/protocol'],
    ['trajectories use protocol', 'trajectories/src/planted.ts', '@workgym/protocol'],
    ['agents use trajectories', 'agents/src/planted.ts', '@workgym/trajectories'],
    ['trainers use agents', 'trainers/src/planted.ts', '@workgym/agents'],
    ['trainers use runtime', 'trainers/src/planted.ts', '@workgym/runtime'],
    ['the CLI uses an env', 'tools/cli/src/planted.ts', '@workgym/env-code/manifest'],
    ["an env's tests start it with runtime", 'envs/code/test/planted.test.ts', '@workgym/runtime'],
    ["trainers' tests roll out a real env", 'trainers/test/planted.test.ts', '@workgym/env-code'],
  ])('allows %s', { timeout: 120_000 }, async (_, file, target) => {
    expect(await boundaryErrors(file, target)).toEqual([]);
  });
});
