import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workspaceSnapshot } from '../src/sandbox/snapshot.js';

let root = '';

afterEach(() => {
  chmodSync(root, 0o755);
  rmSync(root, { recursive: true, force: true });
});

function workspace(): string {
  root = mkdtempSync(join(tmpdir(), 'workgym-snapshot-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src/app.py'), 'print("hi")\n');
  writeFileSync(join(root, 'README.md'), '# app\n');
  return root;
}

/** The keys whose values differ between two snapshots, or that only one has. */
function changed(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => before[key] !== after[key]).sort();
}

/**
 * A git index of version 2 staging `entries` (path -> 40-hex object id), with `stamp` as every
 * entry's stat times: what `git status` rewrites when it finds the index stale.
 */
function gitIndex(entries: Record<string, string>, stamp: number): Buffer {
  const parts = [Buffer.from('DIRC'), u32(2), u32(Object.keys(entries).length)];
  for (const [path, id] of Object.entries(entries)) {
    const fixed = Buffer.alloc(62);
    for (let i = 0; i < 4; i++) fixed.writeUInt32BE(stamp, i * 4);
    fixed.writeUInt32BE(0o100644, 24);
    Buffer.from(id, 'hex').copy(fixed, 40);
    fixed.writeUInt16BE(path.length, 60);
    const name = Buffer.from(path);
    const padded = Math.floor((62 + name.length + 8) / 8) * 8;
    parts.push(fixed, name, Buffer.alloc(padded - 62 - name.length));
  }
  parts.push(Buffer.from('TREE'), u32(4), Buffer.from([stamp & 0xff, 0, 0, 0]), Buffer.alloc(20, stamp & 0xff));
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

describe('workspaceSnapshot', () => {
  it('is the same twice for an untouched tree and names every entry with its type and mode', () => {
    const dir = workspace();
    const first = workspaceSnapshot(dir);
    expect(workspaceSnapshot(dir)).toEqual(first);
    expect(Object.keys(first).sort()).toEqual(['file:README.md', 'file:src', 'file:src/app.py']);
    expect(first['file:src']).toBe('directory 0755');
    expect(first['file:src/app.py']).toMatch(/^file 0644 sha256:[0-9a-f]{64}$/);
  });

  it('shows a write, a deletion, a chmod, a new directory and a touched time-only file as exactly the change made', () => {
    const dir = workspace();
    const start = workspaceSnapshot(dir);
    writeFileSync(join(dir, 'src/app.py'), 'print("bye")\n');
    expect(changed(start, workspaceSnapshot(dir))).toEqual(['file:src/app.py']);
    writeFileSync(join(dir, 'src/app.py'), 'print("hi")\n');
    // Same bytes again, a new modification time: nothing the task's world holds has changed.
    utimesSync(join(dir, 'src/app.py'), 1_000, 1_000);
    expect(workspaceSnapshot(dir)).toEqual(start);
    unlinkSync(join(dir, 'README.md'));
    expect(changed(start, workspaceSnapshot(dir))).toEqual(['file:README.md']);
    writeFileSync(join(dir, 'README.md'), '# app\n');
    chmodSync(join(dir, 'src/app.py'), 0o600);
    expect(changed(start, workspaceSnapshot(dir))).toEqual(['file:src/app.py']);
    chmodSync(join(dir, 'src/app.py'), 0o644);
    mkdirSync(join(dir, 'scratch'));
    expect(changed(start, workspaceSnapshot(dir))).toEqual(['file:scratch']);
    rmSync(join(dir, 'scratch'), { recursive: true });
    expect(workspaceSnapshot(dir)).toEqual(start);
  });

  it('records links without following them, and sockets, big files and closed directories without opening them', async () => {
    const dir = workspace();
    symlinkSync('/etc', join(dir, 'etc-link'));
    symlinkSync('src/app.py', join(dir, 'app-link'));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
    // A sparse file past the hashing cap: hashing it would read 64 MiB of zeros.
    writeFileSync(join(dir, 'core'), 'x');
    truncateSync(join(dir, 'core'), 64 * 1024 * 1024);
    mkdirSync(join(dir, 'closed'));
    writeFileSync(join(dir, 'closed/secret'), 's');
    chmodSync(join(dir, 'closed'), 0o000);
    try {
      const state = workspaceSnapshot(dir);
      expect(state['file:etc-link']).toBe('symlink -> "/etc"');
      expect(state['file:app-link']).toBe('symlink -> "src/app.py"');
      expect(Object.keys(state).some((key) => key.startsWith('file:etc-link/'))).toBe(false);
      expect(state['file:sock']).toMatch(/^socket \d{4}$/);
      expect(state['file:core']).toMatch(/^file 0644 size 67108864 modified [\d.]+ \(not hashed: over the hashing cap\)$/);
      expect(workspaceSnapshot(dir)['file:core']).toBe(state['file:core']);
      // Root reads it in the container; as its owner here, a closed directory says so.
      if (process.getuid?.() !== 0) expect(state['file:closed']).toBe('directory 0000 (cannot be listed)');
    } finally {
      chmodSync(join(dir, 'closed'), 0o755);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('takes a git index by what it stages, so `git status` refreshing its stat data changes nothing', () => {
    const dir = workspace();
    mkdirSync(join(dir, '.git'));
    const staged = { 'src/app.py': 'a'.repeat(40), 'README.md': 'b'.repeat(40) };
    writeFileSync(join(dir, '.git/index'), gitIndex(staged, 1));
    const start = workspaceSnapshot(dir);
    expect(start['file:.git/index']).toMatch(/^file 0644 git index staging sha256:[0-9a-f]{64}$/);
    writeFileSync(join(dir, '.git/index'), gitIndex(staged, 2));
    expect(workspaceSnapshot(dir)).toEqual(start);
    writeFileSync(join(dir, '.git/index'), gitIndex({ ...staged, 'README.md': 'c'.repeat(40) }, 1));
    expect(changed(start, workspaceSnapshot(dir))).toEqual(['file:.git/index']);
    // Not an index it can read: the bytes are hashed.
    writeFileSync(join(dir, '.git/index'), 'garbage');
    expect(workspaceSnapshot(dir)['file:.git/index']).toMatch(/^file 0644 sha256:/);
  });
});
