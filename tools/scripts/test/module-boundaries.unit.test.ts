import { fileURLToPath } from 'node:url';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layers in eslint.config.js, shown on planted files: lint (which `npm test` runs in every
// package) refuses an import against the direction of the layers and lets the allowed ones through.
// The files are only linted, never written. Nx's rule refuses for one of three reasons:
// - layer: the importing package's tag may not depend on the imported package's tag;
// - circular: the imported package already depends on the importer (every upward import: the
//   layers are the packages' own dependencies, so the cycle is found before the tags are read);
// - path: a package reached into another by a relative path instead of its package name.

const root = fileURLToPath(new URL('../../..', import.meta.url));
let eslint: ESLint;

beforeAll(async () => {
  // The rule reads Nx's cached project graph (`nx run-many` makes it); made here for a test run alone.
  await createProjectGraphAsync({ exitOnError: false });
  eslint = new ESLint({ cwd: root });
}, 300_000);

const REASONS = {
  layer: /can only depend on libs tagged with/,
  circular: /^Circular dependency between/,
  path: /^Projects cannot be imported by a relative or absolute path/,
};

/** The module-boundary complaints about `export * from <target>` in a file at `file`. */
async function boundaryErrors(file: string, target: string): Promise<string[]> {
  const [result] = await eslint.lintText(`export * from '${target}';\n`, { filePath: `${root}/${file}` });
  return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('the module boundaries', () => {
  it.each([
    ['an env uses runtime', 'envs/code/src/planted.ts', '@workgym/runtime', 'layer'],
    ['an env uses another env', 'envs/browser/src/planted.ts', '@workgym/env-code/manifest', 'layer'],
    ['trainers use an env', 'trainers/src/planted.ts', '@workgym/env-code', 'layer'],
    ["an env's tests use agents", 'envs/code/test/planted.test.ts', '@workgym/agents', 'layer'],
    ['protocol uses agents', 'envs/protocol/src/planted.ts', '@workgym/agents', 'circular'],
    ['runtime uses an env', 'envs/runtime/src/planted.ts', '@workgym/env-spreadsheet', 'circular'],
    ['trajectories use agents', 'trajectories/src/planted.ts', '@workgym/agents', 'circular'],
    ['agents use trainers', 'agents/src/planted.ts', '@workgym/trainers/rl', 'circular'],
    ['trainers use the CLI', 'trainers/src/planted.ts', '@workgym/cli/package.json', 'circular'],
    ["trainers reach into the CLI's files", 'trainers/src/planted.ts', '../../tools/cli/src/main.js', 'path'],
  ] as const)('refuses %s (%s -> %s): %s', { timeout: 120_000 }, async (_, file, target, reason) => {
    const errors = await boundaryErrors(file, target);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(REASONS[reason]);
  });

  it.each([
    ['an env uses protocol', 'envs/code/src/planted.ts', '@workgym/protocol'],
    ['an env uses the kit', 'envs/spreadsheet/src/planted.ts', '@workgym/protocol/kit'],
    ['trajectories use protocol', 'trajectories/src/planted.ts', '@workgym/protocol'],
    ['agents use trajectories', 'agents/src/planted.ts', '@workgym/trajectories'],
    ['trainers use agents', 'trainers/src/planted.ts', '@workgym/agents'],
    ['trainers use runtime', 'trainers/src/planted.ts', '@workgym/runtime'],
    ['the CLI uses an env', 'tools/cli/src/planted.ts', '@workgym/env-code/manifest'],
    ['the CLI uses trainers', 'tools/cli/src/planted.ts', '@workgym/trainers/sft'],
    ["an env's tests start it with runtime", 'envs/code/test/planted.test.ts', '@workgym/runtime'],
    ["trainers' tests roll out a real env", 'trainers/test/planted.test.ts', '@workgym/env-code'],
  ])('allows %s', { timeout: 120_000 }, async (_, file, target) => {
    expect(await boundaryErrors(file, target)).toEqual([]);
  });
});
