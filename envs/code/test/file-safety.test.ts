// The building blocks that keep the server from blocking on, trusting or recursing into agent files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineReader } from '../src/sandbox/line-reader.js';
import {
  createRegularFile,
  FileTooLargeError,
  NotRegularFileError,
  readRegularFile,
  rewriteRegularFile,
  writeRegularFile,
} from '../src/sandbox/regular-file.js';
import { readNames, removeWithinBudget } from '../src/sandbox/tree.js';

let dir: string;
// rm, not fs.rmSync: Node's recursive removal overflows its stack on the deep tree below.
afterEach(() => execFileSync('rm', ['-rf', dir]));
function scratch(): string {
  dir = mkdtempSync(join(tmpdir(), 'workgym-file-safety-'));
  return dir;
}

describe('regular files', () => {
  it('refuses FIFOs, devices and final links at once, for reading and writing', () => {
    const root = scratch();
    execFileSync('mkfifo', [join(root, 'p')]);
    symlinkSync('/dev/zero', join(root, 'z'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    writeFileSync(join(root, 'real'), 'kept');
    const refused = (work: () => unknown, what: string) => {
      expect(work).toThrow(NotRegularFileError);
      try {
        work();
      } catch (error) {
        expect((error as NotRegularFileError).what).toBe(what);
      }
    };
    refused(() => readRegularFile(join(root, 'p'), 100), 'fifo');
    refused(() => writeRegularFile(join(root, 'p'), 'x'), 'fifo');
    refused(() => rewriteRegularFile(join(root, 'p'), 100, () => ({ content: 'x', result: 0 })), 'fifo');
    refused(() => readRegularFile(join(root, 'z'), 100), 'symlink');
    refused(() => readRegularFile('/dev/null', 100), 'device');
    refused(() => writeRegularFile(join(root, 'link'), 'overwritten'), 'symlink');
    refused(() => readRegularFile(root, 100), 'directory');
    expect(readFileSync(join(root, 'real'), 'utf8')).toBe('kept');
    expect(() => createRegularFile(join(root, 'link'), 'x')).toThrow(/EEXIST/);
  });

  it('reads, writes and rewrites regular files within the cap', () => {
    const root = scratch();
    const file = join(root, 'f');
    writeRegularFile(file, 'hello world');
    expect(readRegularFile(file, 11).toString()).toBe('hello world');
    expect(() => readRegularFile(file, 10)).toThrow(FileTooLargeError);
    expect(rewriteRegularFile(file, 100, (old) => ({ content: old.toString().toUpperCase(), result: 'done' }))).toBe('done');
    writeRegularFile(file, 'short');
    expect(readFileSync(file, 'utf8')).toBe('short');
  });
});

describe('trees', () => {
  it('removes a small tree in process and gives up on one past its budget or PATH_MAX', () => {
    const root = scratch();
    mkdirSync(join(root, 'small/a/b'), { recursive: true });
    writeFileSync(join(root, 'small/a/b/f'), 'x');
    symlinkSync('/etc', join(root, 'small/etc'));
    expect(removeWithinBudget([join(root, 'small')], 100)).toBe(true);
    expect(existsSync(join(root, 'small'))).toBe(false);
    expect(existsSync('/etc/passwd')).toBe(true);
    mkdirSync(join(root, 'wide'));
    for (let i = 0; i < 50; i++) writeFileSync(join(root, 'wide', `f${i}`), '');
    expect(removeWithinBudget([join(root, 'wide')], 20)).toBe(false);
    execFileSync('python3', ['-c', `import os\nos.chdir(${JSON.stringify(root)})\nfor _ in range(2500): os.mkdir('d'); os.chdir('d')`]);
    expect(removeWithinBudget([join(root, 'd')], 1_000_000)).toBe(false);
  });

  it('reads at most the names asked for, sorted', () => {
    const root = scratch();
    for (const name of ['c', 'a', 'b']) writeFileSync(join(root, name), '');
    expect(readNames(root, 10)).toEqual(['a', 'b', 'c']);
    expect(readNames(root, 2)).toHaveLength(2);
    expect(readNames(join(root, 'missing'), 10)).toBeUndefined();
  });
});

describe('LineReader', () => {
  it('hands out lines split across chunks, in order, and undefined once ended', async () => {
    const reader = new LineReader(100);
    reader.push(Buffer.from('one\ntw'));
    reader.push(Buffer.from('o\nthree'));
    expect(await reader.next(1_000)).toBe('one');
    expect(await reader.next(1_000)).toBe('two');
    const waiting = reader.next(10_000);
    reader.push(Buffer.from('\n'));
    expect(await waiting).toBe('three');
    reader.end();
    expect(await reader.next(1_000)).toBeUndefined();
  });

  it('drops a line over its size whole and keeps a bounded queue', async () => {
    const reader = new LineReader(10, 2);
    reader.push(Buffer.from('x'.repeat(6)));
    reader.push(Buffer.from(`${'x'.repeat(6)}\nok\n`));
    expect(await reader.next(1_000)).toBe('ok');
    reader.push(Buffer.from('a\nb\nc\n'));
    expect(await reader.next(1_000)).toBe('b');
    expect(await reader.next(1_000)).toBe('c');
    expect(await reader.next(1)).toBeUndefined();
  });
});
