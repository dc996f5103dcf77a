import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { RunLockedError } from '../errors.js';
import { runPaths } from './run-files.js';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/** Takes the run's writer lock; a lock left by a dead process on this host is taken over. */
export function acquireRunLock(dir: string): void {
  const path = runPaths(dir).lock;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = liveLockHolder(dir);
    if (holder) {
      throw new RunLockedError(
        holder.pid === process.pid
          ? `${dir} already has an open writer in this process; share that writer (its appends are serialised) or close it first`
          : `${dir} is being written by process ${holder.pid} on ${holder.host} (since ${holder.since}); ` +
              `wait for it to finish, or delete ${path} if that process is gone`,
        holder.pid,
      );
    }
    rmSync(path, { force: true });
  }
  throw new RunLockedError(`could not take the writer lock ${path}; another writer keeps taking it`, 0);
}

export function releaseRunLock(dir: string): void {
  const path = runPaths(dir).lock;
  const info = readLock(path);
  if (info?.pid === process.pid && info.host === hostname()) rmSync(path, { force: true });
}

/** The lock's holder when it is (or may be) alive; undefined when there is no live writer. */
export function liveLockHolder(dir: string): LockInfo | undefined {
  const info = readLock(runPaths(dir).lock);
  if (!info) return undefined;
  // Another host's pid cannot be checked from here; assume it is alive.
  if (info.host !== hostname()) return info;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? info : undefined;
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}
