import { randomBytes } from 'node:crypto';
import { closeSync, fsync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

type FileContent = { name: string; data: string | Uint8Array };

/**
 * Replaces files in `dir` so that after a crash each holds either its old or its new
 * content, never a mix: write temp files, fsync them, rename them over the targets, then
 * fsync the directory once (which makes the renames durable).
 */
export function writeFilesAtomicSync(dir: string, files: FileContent[]): void {
  const temps = writeTemps(dir, files);
  try {
    for (const { fd } of temps) fsyncSync(fd);
  } finally {
    for (const { fd } of temps) closeSync(fd);
  }
  renameIntoPlace(dir, temps);
}

/**
 * writeFilesAtomicSync with the fsyncs issued together, so the filesystem can commit them in
 * one journal transaction instead of one each (flush() and finalize() write four files).
 */
export async function writeFilesAtomic(dir: string, files: FileContent[]): Promise<void> {
  const temps = writeTemps(dir, files);
  try {
    await Promise.all(temps.map(({ fd }) => new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())))));
  } finally {
    for (const { fd } of temps) closeSync(fd);
  }
  renameIntoPlace(dir, temps);
}

interface TempFile {
  temp: string;
  target: string;
  /** Still open: the caller fsyncs and closes it. */
  fd: number;
}

/** Writes every file's temp; when one fails, the ones already open are closed. */
function writeTemps(dir: string, files: FileContent[]): TempFile[] {
  const temps: TempFile[] = [];
  try {
    for (const file of files) temps.push(writeTemp(dir, file));
  } catch (error) {
    for (const { fd } of temps) closeSync(fd);
    throw error;
  }
  return temps;
}

function writeTemp(dir: string, { name, data }: FileContent): TempFile {
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
}

function renameIntoPlace(dir: string, temps: TempFile[]): void {
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
