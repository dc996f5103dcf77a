import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleReason } from '../bin/stale-build.js';

// A workspace like the repository's: packages with src/ (and proto/) built into dist/.
async function workspace(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'workgym-stale-'));
  await writeFile(join(root, 'package.json'), JSON.stringify({ workspaces: ['envs/*', 'agents'] }));
  for (const dir of ['envs/code/src/tasks', 'envs/code/src/gen', 'envs/code/proto', 'envs/code/dist', 'agents/src', 'agents/dist'])
    await mkdir(join(root, dir), { recursive: true });
  const files = ['envs/code/src/tasks/py-fix-bug.ts', 'envs/code/src/gen/workgym.js', 'envs/code/proto/x.proto', 'agents/src/index.ts'];
  for (const file of files) await writeFile(join(root, file), '');
  for (const file of files) await at(root, file, 1_000);
  for (const info of ['envs/code/dist/.tsbuildinfo', 'agents/dist/.tsbuildinfo']) await writeFile(join(root, info), '');
  for (const info of ['envs/code/dist/.tsbuildinfo', 'agents/dist/.tsbuildinfo']) await at(root, info, 2_000);
  return root;
}
const at = (root: string, file: string, seconds: number) => utimes(join(root, file), seconds, seconds);

describe('staleReason', () => {
  it('is undefined while every build is newer than its sources', async () => {
    const root = await workspace();
    expect(staleReason(root, join(root, 'no-stamp'))).toBeUndefined();
  });

  it('names a source (or proto) newer than its package build, however deep', async () => {
    const root = await workspace();
    await writeFile(join(root, 'envs/code/src/tasks/new-family.ts'), '');
    expect(staleReason(root, join(root, 'no-stamp'))).toBe('envs/code/src/tasks/new-family.ts changed since the last build');
    await at(root, 'envs/code/src/tasks/new-family.ts', 1_000);
    await at(root, 'envs/code/proto/x.proto', 3_000);
    expect(staleReason(root, join(root, 'no-stamp'))).toBe('envs/code/proto/x.proto changed since the last build');
  });

  it('ignores generated gen/ folders and counts a later rebuild stamp as a build', async () => {
    const root = await workspace();
    await at(root, 'envs/code/src/gen/workgym.js', 3_000);
    expect(staleReason(root, join(root, 'no-stamp'))).toBeUndefined();
    await at(root, 'agents/src/index.ts', 3_000);
    expect(staleReason(root, join(root, 'no-stamp'))).toBe('agents/src/index.ts changed since the last build');
    await writeFile(join(root, 'stamp'), '');
    await at(root, 'stamp', 4_000);
    expect(staleReason(root, join(root, 'stamp'))).toBeUndefined();
  });

  it('names a package whose last build failed, though tsc wrote its build info after its sources', async () => {
    const root = await workspace();
    await writeFile(join(root, 'envs/code/dist/.tsbuildinfo'), '{"root":["../src/tasks/py-fix-bug.ts"],"errors":true,"version":"5.9.3"}');
    await at(root, 'envs/code/dist/.tsbuildinfo', 2_000);
    expect(staleReason(root, join(root, 'no-stamp'))).toBe('the last build of envs/code failed');
    await writeFile(join(root, 'stamp'), '');
    await at(root, 'stamp', 4_000);
    expect(staleReason(root, join(root, 'stamp'))).toBe('the last build of envs/code failed');
  });
});
