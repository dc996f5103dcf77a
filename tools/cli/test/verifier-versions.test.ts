import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeVerifierVersions, packageDirOf, VERIFIER_VERSIONS_FILE, verifierVersionsModule } from '@workgym/runtime';
import { describe, expect, it } from 'vitest';
import { findEnvs } from '../src/env-registry.js';

// The generated versions module of every env is what its sources give today: an edit to a
// verifier without a build (or a hand-edited version) fails here instead of mislabelling runs.
describe.each(findEnvs())('the $name env', (manifest) => {
  // The package of the server entry, as the server bundler finds it: an env may build from
  // another env's image folder (workday uses the browser's).
  const packageDir = packageDirOf(manifest.serverEntry)!;

  it('has a verifier versions module that matches its sources', async () => {
    const committed = await readFile(join(packageDir, VERIFIER_VERSIONS_FILE), 'utf8');
    expect(committed).toBe(verifierVersionsModule(await computeVerifierVersions(packageDir)));
  });

  it('lists every generated family with its own version', async () => {
    const versions = await computeVerifierVersions(packageDir);
    const env = await manifest.create();
    try {
      const generated = env.families().filter((f) => !f.id!.includes('/miniwob.') && !f.id!.endsWith('/spreadsheetbench'));
      for (const family of generated) expect(family.verifierVersion, family.id!).toBe(versions[family.id!.split('/')[1]!]);
      expect(new Set(generated.map((f) => f.verifierVersion)).size).toBe(generated.length);
    } finally {
      await env.close();
    }
  });
});
