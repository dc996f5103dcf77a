import { randomBytes } from 'node:crypto';
import { closeSync, fsync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Replaces files in `dir` so that after a crash each holds either its old or its new
 * content, never a mix: write temp files, fsync them, rename them over the targets, then
 * fsync the directory once (which makes the renames durable).
 */
export function writeFilesAtomicSync(dir: string, files: { name: string; data: string | Uint8Array }[]): void {
  const temps: [string, string][] = [];
  for (const { name, data } of files) {
    const target = join(dir, name);
    const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const fd = openSync(temp, 'wx');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    temps.push([temp, target]);
  }
  for (const [temp, target] of temps) renameSync(temp, target);
  fsyncDirSync(dir);
}

/**
 * writeFilesAtomicSync with the fsyncs issued together, so the filesystem can commit them in
 * one journal transaction instead of one each (flush() and finalize() write four files).
 */
export async function writeFilesAtomic(dir: string, files: { name: string; data: string | Uint8Array }[]): Promise<void> {
  const temps = files.map(({ name, data }) => {
    const target = join(dir, name);
    const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const fd = openSync(temp, 'wx');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    return { temp, target, fd };
  });
  try {
    await Promise.all(temps.map(({ fd }) => new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())))));
  } finally {
    for (const { fd } of temps) closeSync(fd);
  }
  for (const { temp, target } of temps) renameSync(temp, target);
  fsyncDirSync(dir);
}

export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
