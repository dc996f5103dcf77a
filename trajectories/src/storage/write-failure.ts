import { RunWriteError, TrajectoryError } from '../errors.js';

/** What the system's codes for a failed write mean, in words. */
const MEANING: Record<string, string> = {
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'a file grew past what the filesystem allows',
  EROFS: 'the filesystem is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'the disk reported an I/O error',
};

/**
 * A failed write to a run as a RunWriteError saying what happened and what is kept; any other
 * error is returned as it is. `kept` ends the message (what the user can do next).
 */
export function runWriteFailure(error: unknown, dir: string, kept: string): unknown {
  if (error instanceof TrajectoryError) return error;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno !== 'string' || !(errno in MEANING)) return error;
  const path = (error as NodeJS.ErrnoException).path;
  return new RunWriteError(`cannot write ${path ?? `to the run in ${dir}`}: ${MEANING[errno]} (${errno}); ${kept}`, errno, { cause: error });
}

export const RESUMABLE = 'the run keeps every episode appended before it: make room, then resume the run';

/** A write through a descriptor names no file: name the one it was writing (for the message). */
export function namingFile(error: unknown, path: string): unknown {
  const failed = error as NodeJS.ErrnoException | undefined;
  if (failed && typeof failed.code === 'string' && failed.syscall && !failed.path) failed.path = path;
  return error;
}
