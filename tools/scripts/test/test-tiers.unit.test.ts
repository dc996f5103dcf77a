import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVitest, type Vitest } from 'vitest/node';
import { connectDocker, dockerAvailable } from '../../../envs/runtime/src/index.js';

// The tiers hold: vitest, reading the root config as `npx vitest` does, puts every test file of
// the workspaces in exactly one project, and the unit tier really cannot reach Docker or Chromium.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const TEST_FOLDERS = ['agents', 'envs', 'tools', 'trainers', 'trajectories'];

/** Every `*.test.ts` under the workspaces, found by walking the folders rather than by a glob. */
function testFiles(): string[] {
  return TEST_FOLDERS.flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.test.ts') && !/(^|\/)(node_modules|dist)\//.test(path))
      .map((path) => join(root, folder, path)),
  );
}

describe('test tiers', () => {
  let vitest: Vitest;
  const cwd = process.cwd();
  beforeAll(async () => {
    // The config looks for tests under the folder vitest starts in: from the root, all of them,
    // even when this file runs from a package folder.
    process.chdir(root);
    vitest = await createVitest('test', { config: join(root, 'vitest.config.ts'), root, watch: false });
  });
  afterAll(async () => {
    await vitest.close();
    process.chdir(cwd);
  });

  it('puts every test file in exactly one tier', async () => {
    const tiers = new Map<string, string[]>();
    for (const spec of await vitest.globTestSpecifications()) {
      tiers.set(spec.moduleId, [...(tiers.get(spec.moduleId) ?? []), spec.project.name]);
    }
    const misplaced = testFiles()
      .map((file) => ({ file: file.slice(root.length), tiers: tiers.get(file) ?? [] }))
      .filter(({ tiers }) => tiers.length !== 1);
    expect(misplaced).toEqual([]);
    expect(vitest.projects.map((project) => project.name).sort()).toEqual(['integration', 'unit']);
  });

  it('names unit files *.unit.test.ts and runs every tier on the TypeScript sources', () => {
    for (const project of vitest.projects) {
      expect(project.vite.config.resolve.conditions, project.name).toContain('source');
    }
    const unit = vitest.getProjectByName('unit');
    expect(unit.matchesTestGlob(join(root, 'envs/code/test/score.unit.test.ts'))).toBe(true);
    expect(unit.matchesTestGlob(join(root, 'envs/code/test/new-family.test.ts'))).toBe(false);
  });

  it('cannot reach Docker or Chromium from the unit tier', async () => {
    expect(await dockerAvailable(connectDocker())).toBe(false);
    expect(existsSync(process.env.WORKGYM_CHROMIUM ?? '/usr/bin/chromium')).toBe(false);
  });
});
