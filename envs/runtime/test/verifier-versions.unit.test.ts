import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleServer, computeVerifierVersions, VERIFIER_VERSIONS_FILE, verifierVersionsModule } from '../src/index.js';

/** A small env package: two families, a helper only `alpha` imports, a shared judge and an unrelated file. */
async function fixturePackage(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'workgym-verifier-versions-'));
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      name: 'fixture-env',
      type: 'module',
      workgym: { verifierVersions: { families: 'src/tasks/index.ts', shared: ['src/judge.ts'], external: { suite: 'src/suite.ts' } } },
    }),
    'src/tasks/index.ts': "import { alpha } from './alpha.js';\nimport { beta } from './beta.js';\nexport const FAMILIES = [alpha, beta];\n",
    'src/tasks/alpha.ts': "import { near } from './helper.js';\nexport const alpha = { name: 'alpha', verify: (x: number) => near(x, 1) };\n",
    'src/tasks/beta.ts': "import type { Shape } from './shape.js';\nexport const beta: Shape = { name: 'beta', verify: (x: number) => x === 2 };\n",
    'src/tasks/shape.ts': 'export interface Shape { name: string; verify(x: number): boolean }\n',
    'src/tasks/helper.ts': 'export const near = (a: number, b: number) => Math.abs(a - b) < 0.5;\n',
    'src/judge.ts': 'export const judge = (ok: boolean) => (ok ? 1 : 0);\n',
    'src/suite.ts': 'export const suite = (reward: number) => reward > 0;\n',
    'src/unrelated.ts': 'export const tools = 1;\n',
    'src/server.ts':
      "import { VERIFIER_VERSIONS } from './gen/verifier-versions.js';\nimport { FAMILIES } from './tasks/index.js';\nconsole.log(FAMILIES.length, VERIFIER_VERSIONS);\n",
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function edit(dir: string, path: string, append: string): Promise<void> {
  await writeFile(join(dir, path), (await readFile(join(dir, path), 'utf8')) + append);
}

describe('verifier versions', () => {
  it("change with a family's module or any file it imports, and only for the families that import it", async () => {
    const dir = await fixturePackage();
    const before = await computeVerifierVersions(dir);
    expect(Object.keys(before).sort()).toEqual(['alpha', 'beta', 'suite']);
    expect(before.alpha).toMatch(/^[0-9a-f]{16}$/);
    expect(await computeVerifierVersions(dir)).toEqual(before);

    await edit(dir, 'src/unrelated.ts', 'export const more = 2;\n');
    await edit(dir, 'src/tasks/shape.ts', '// a type-only import does not change what runs\n');
    expect(await computeVerifierVersions(dir)).toEqual(before);

    await edit(dir, 'src/tasks/helper.ts', 'export const looser = 1;\n');
    const helperChanged = await computeVerifierVersions(dir);
    expect(helperChanged.alpha).not.toBe(before.alpha);
    expect(helperChanged.beta).toBe(before.beta);
    expect(helperChanged.suite).toBe(before.suite);

    await edit(dir, 'src/tasks/helper.ts', '/** A doc comment, a comment and new layout change nothing that runs. */\n// note\n\n\n');
    expect(await computeVerifierVersions(dir)).toEqual(helperChanged);

    await edit(dir, 'src/tasks/beta.ts', 'export const betaLimit = 3;\n');
    const betaChanged = await computeVerifierVersions(dir);
    expect(betaChanged.beta).not.toBe(helperChanged.beta);
    expect(betaChanged.alpha).toBe(helperChanged.alpha);

    await edit(dir, 'src/judge.ts', 'export const strict = true;\n');
    const judgeChanged = await computeVerifierVersions(dir);
    expect(judgeChanged.alpha).not.toBe(betaChanged.alpha);
    expect(judgeChanged.beta).not.toBe(betaChanged.beta);
    expect(judgeChanged.suite).toBe(betaChanged.suite);

    await edit(dir, 'src/suite.ts', 'export const loaderVersion = 2;\n');
    expect((await computeVerifierVersions(dir)).suite).not.toBe(judgeChanged.suite);
  });

  it('are rewritten by the server bundler before it bundles, so a bundle never carries stale versions', async () => {
    const dir = await fixturePackage();
    await mkdir(join(dir, 'src/gen'));
    await writeFile(join(dir, VERIFIER_VERSIONS_FILE), verifierVersionsModule({ alpha: 'stale', beta: 'stale', suite: 'stale' }));
    const bundle = await readFile(await bundleServer(join(dir, 'src/server.ts'), join(dir, 'out/server.mjs')), 'utf8');
    const fresh = await computeVerifierVersions(dir);
    expect(await readFile(join(dir, VERIFIER_VERSIONS_FILE), 'utf8')).toBe(verifierVersionsModule(fresh));
    expect(bundle).toContain(fresh.alpha);
    expect(bundle).not.toContain('"stale"');
  });
});
