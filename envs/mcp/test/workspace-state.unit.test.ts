import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { diffStates } from '@workgym/protocol/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { Workspace } from '../src/workspace.js';

// The workspace's state snapshot, what the kit diffs for organise-files' whole-state check: every
// entry at any depth, links not followed, and each of touch's changes shows on the key it touched.

let workspace: Workspace | undefined;

afterEach(async () => {
  if (workspace) await rm(workspace.root, { recursive: true, force: true });
});

async function seeded(): Promise<Workspace> {
  workspace = Workspace.forThisProcess(false);
  await workspace.reset({ 'README.md': 'Shared folder.\n', 'apollo/deep/minutes-1.txt': 'Project: Apollo\n' });
  await symlink('README.md', join(workspace.root, 'readme-link'));
  return workspace;
}

describe('Workspace.snapshot and touch', () => {
  it('snapshots every entry at any depth by type, with a file hash and a link target; the same tree gives the same snapshot', async () => {
    const ws = await seeded();
    const state = await ws.snapshot();
    expect(Object.keys(state).sort()).toEqual(['file:README.md', 'file:apollo', 'file:apollo/deep', 'file:apollo/deep/minutes-1.txt', 'file:readme-link']);
    expect(state['file:apollo/deep']).toMatch(/^directory \d{4}$/);
    expect(state['file:README.md']).toMatch(/^file \d{4} sha256:[0-9a-f]{64}$/);
    expect(state['file:readme-link']).toBe('symlink -> "README.md"');
    expect(await ws.snapshot()).toEqual(state);
  });

  it.each([
    ['a file', 'file:apollo/deep/minutes-1.txt', [{ key: 'file:apollo/deep/minutes-1.txt' }]],
    ['a folder', 'file:apollo/deep', [{ key: 'file:apollo/deep/edited.txt' }]],
    ['a link', 'file:readme-link', [{ key: 'file:readme-link' }]],
  ])('touching %s changes the snapshot there and nowhere else', async (_, key, changed) => {
    const ws = await seeded();
    const before = await ws.snapshot();
    await ws.touch(key);
    expect(diffStates(before, await ws.snapshot())).toMatchObject(changed);
  });
});
