// Task sets (files or folders a team names with --tasks) on their way to an env server: checked
// before anything starts, so a path the server could not read is one line, not a crashed server.
import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { WorkgymError } from '@workgym/protocol/errors';

/** A task-set path that is missing or that the env server's user could not read. */
export class TaskPathError extends WorkgymError {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super('WORKGYM_TASKS', message);
  }
}

/** Where the docker runtime mounts the n-th task set (from 0) inside the container. */
export function containerTaskPath(index: number, hostPath: string): string {
  return `/workgym/tasks/${index}/${basename(hostPath)}`;
}

/** Who must read the files: a uid and gid, as a container's `User` names them. */
export interface TaskReader {
  uid: number;
  gid: number;
}

/**
 * The paths made absolute, each checked to exist; with `reader`, every file and folder in them
 * must also be readable by that user (files r, folders r and x), as a container's server user
 * that owns none of them needs: the first one that is not is named.
 */
export function resolveTaskPaths(paths: readonly string[], reader?: TaskReader): string[] {
  return paths.map((path) => {
    const absolute = resolve(path);
    let stats: Stats;
    try {
      stats = statSync(absolute);
    } catch (error) {
      throw new TaskPathError(`--tasks ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`);
    }
    if (reader) checkReadable(absolute, stats, reader, path);
    return absolute;
  });
}

function checkReadable(at: string, stats: Stats, reader: TaskReader, named: string): void {
  const folder = stats.isDirectory();
  if (!folder && !stats.isFile()) return;
  if (!readableBy(stats, reader, folder)) {
    const what = at === resolve(named) ? '' : ` (${at})`;
    throw new TaskPathError(
      `--tasks ${named}${what}: the env server's user (uid ${reader.uid}) cannot read it; ${folder ? 'folders need o+rx' : 'files need o+r'}`,
      `chmod -R o+rX ${named}`,
    );
  }
  if (!folder) return;
  for (const entry of readdirSync(at)) {
    const child = join(at, entry);
    // A link inside is not followed: the server sees only what is mounted.
    checkReadable(child, lstatSync(child), reader, named);
  }
}

/** Whether the mode bits that apply to `reader` allow reading (and, for a folder, entering). */
function readableBy(stats: Stats, reader: TaskReader, folder: boolean): boolean {
  if (reader.uid === 0) return true;
  const shift = stats.uid === reader.uid ? 6 : stats.gid === reader.gid ? 3 : 0;
  const bits = (stats.mode >> shift) & 0o7;
  return (bits & 0o4) !== 0 && (!folder || (bits & 0o1) !== 0);
}

/** The uid and gid of a container `User` ("10001:10001", "10001"); a user name counts as unknown (root checks nothing). */
export function taskReaderOf(user: string): TaskReader | undefined {
  const [uid, gid] = user.split(':');
  if (!uid || !/^\d+$/.test(uid)) return undefined;
  return { uid: Number(uid), gid: gid && /^\d+$/.test(gid) ? Number(gid) : Number(uid) };
}
