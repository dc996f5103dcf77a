import { randomBytes } from 'node:crypto';
import { closeSync, fsync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

type FileContent = { name: string; data: string | Uint8Array };

/** `episodes.idx.tmp-<pid>-<8 hex>`: a temp file of an atomic write (see writeTemp). */
const TEMP_NAME = /\.tmp-\d+-[0-9a-f]{8}$/;

/**
 * Replaces files in `dir` so that after a crash each holds either its old or its new
 * content, never a mix: write temp files, fsync them, rename them over the targets, then
 * fsync the directory once (which makes the renames durable). When anything fails (a full
 * disk), the temp files not yet renamed are removed before the error is thrown.
 */
export function writeFilesAtomicSync(dir: string, files: FileContent[]): void {
  const temps = writeTemps(dir, files);
  withTempsRemovedOnFailure(temps, () => {
    try {
      for (const { fd } of temps) fsyncSync(fd);
    } finally {
      closeAll(temps);
    }
    renameIntoPlace(dir, temps);
  });
}

/**
 * writeFilesAtomicSync with the fsyncs issued together, so the filesystem can commit them in
 * one journal transaction instead of one each (flush() and finalize() write four files).
 */
export async function writeFilesAtomic(dir: string, files: FileContent[]): Promise<void> {
  const temps = writeTemps(dir, files);
  try {
    try {
      await Promise.all(temps.map(({ fd }) => new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())))));
    } finally {
      closeAll(temps);
    }
  } catch (error) {
    removeTemps(temps);
    throw error;
  }
  withTempsRemovedOnFailure(temps, () => renameIntoPlace(dir, temps));
}

/** Temp files an interrupted atomic write left in `dir` (their writer died before removing them). */
export function leftoverTemps(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => TEMP_NAME.test(name))
      .sort();
  } catch {
    return [];
  }
}

interface TempFile {
  temp: string;
  target: string;
  /** Open until the caller fsyncs and closes it; -1 once closed. */
  fd: number;
  renamed?: boolean;
}

/** Writes every file's temp; when one fails, the ones already written are closed and removed. */
function writeTemps(dir: string, files: FileContent[]): TempFile[] {
  const temps: TempFile[] = [];
  try {
    for (const file of files) temps.push(writeTemp(dir, file, temps));
  } catch (error) {
    closeAll(temps);
    removeTemps(temps);
    throw error;
  }
  return temps;
}

/** `written` gets the temp as soon as it exists, so that a failed write still removes it. */
function writeTemp(dir: string, { name, data }: FileContent, written: TempFile[]): TempFile {
  const target = join(dir, name);
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const file: TempFile = { temp, target, fd: openSync(temp, 'wx') };
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let at = 0;
    while (at < bytes.length) at += writeSync(file.fd, bytes, at);
  } catch (error) {
    written.push(file);
    throw error;
  }
  return file;
}

function closeAll(temps: TempFile[]): void {
  for (const file of temps) {
    if (file.fd < 0) continue;
    try {
      closeSync(file.fd);
    } catch {
      // the write's own error is the one to report
    }
    file.fd = -1;
  }
}

function withTempsRemovedOnFailure(temps: TempFile[], work: () => void): void {
  try {
    work();
  } catch (error) {
    removeTemps(temps);
    throw error;
  }
}

function removeTemps(temps: TempFile[]): void {
  for (const { temp, renamed } of temps) if (!renamed) rmSync(temp, { force: true });
}

function renameIntoPlace(dir: string, temps: TempFile[]): void {
  for (const file of temps) {
    renameSync(file.temp, file.target);
    file.renamed = true;
  }
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
