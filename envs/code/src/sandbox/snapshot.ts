import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { describeType } from './regular-file.js';
import { readNames } from './tree.js';

/** Bytes of one file hashed in full; a bigger one (a log the task grew with a hole) is described by size and time. */
const MAX_HASHED_FILE = 16 * 1024 * 1024;
/** Bytes hashed in one snapshot: past them the remaining files are described by size and time, so a tree of big files stays cheap. */
const MAX_HASHED_TOTAL = 256 * 1024 * 1024;
/** Entries one snapshot looks at: a tree the agent made huge ends in one `workspace:truncated` key instead of a long walk. */
const MAX_ENTRIES = 100_000;
const CHUNK = 1024 * 1024;
// Never follow a final link and never wait on a FIFO: every path here is the agent's.
const SAFE_READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/** git rewrites the index's stat data whenever a command (`git status`) finds it stale; what it stages is what counts. */
const GIT_INDEX = '.git/index';

/**
 * The workspace tree as a canonical snapshot (the session's `state()`): `file:<relative path>`
 * for every entry, links never followed, each value saying its type and permission bits, with
 * a regular file's sha256 (or, past the hashing caps, its size and modification time, saying
 * so), a link's target, a directory that cannot be listed as such. The caller runs it while no
 * agent process runs, as a user that may read the tree (root in the container; locally, the
 * agent's own uid, so a file the agent closed to itself shows as unreadable).
 */
export function workspaceSnapshot(root: string): Record<string, string> {
  const state: Record<string, string> = {};
  let hashed = 0;
  let seen = 0;
  const pending: string[] = [];
  const expand = (relative: string) => {
    const names = readNames(relative === '' ? root : join(root, relative), MAX_ENTRIES + 1);
    if (names === undefined) return false;
    for (let i = names.length - 1; i >= 0; i--) pending.push(relative === '' ? names[i]! : `${relative}/${names[i]}`);
    return true;
  };
  expand('');
  while (pending.length > 0) {
    if (seen++ >= MAX_ENTRIES) {
      state['workspace:truncated'] = `more than ${MAX_ENTRIES} entries; the rest not looked at`;
      break;
    }
    const path = pending.pop()!;
    const full = join(root, path);
    let stat: Stats;
    try {
      stat = lstatSync(full);
    } catch {
      continue; // gone since its directory was listed (no agent process runs now, so only in a broken sandbox)
    }
    const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
    if (stat.isDirectory()) {
      state[`file:${path}`] = expand(path) ? `directory ${mode}` : `directory ${mode} (cannot be listed)`;
    } else if (stat.isSymbolicLink()) {
      state[`file:${path}`] = `symlink -> ${readLink(full)}`;
    } else if (!stat.isFile()) {
      state[`file:${path}`] = `${describeType(stat)} ${mode}`;
    } else {
      const budget = Math.min(MAX_HASHED_FILE, MAX_HASHED_TOTAL - hashed);
      const content = stat.size <= budget ? fileHash(full, path === GIT_INDEX) : undefined;
      if (content !== undefined) hashed += stat.size;
      state[`file:${path}`] = `file ${mode} ${content ?? `size ${stat.size} modified ${stat.mtimeMs} (not hashed: over the hashing cap)`}`;
    }
  }
  return state;
}

function readLink(path: string): string {
  try {
    return JSON.stringify(readlinkSync(path));
  } catch {
    return '(unreadable)';
  }
}

/** `sha256:<hex>` of a regular file (a git index: of the entries it stages), or why it could not be read. */
function fileHash(path: string, gitIndex: boolean): string {
  let fd: number;
  try {
    fd = openSync(path, SAFE_READ);
  } catch (error) {
    return `unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  try {
    // A file swapped for something else between lstat and open is not hashed as the file.
    if (!fstatSync(fd).isFile()) return 'not a regular file when opened';
    if (gitIndex) {
      const data = readWhole(fd);
      const staged = gitIndexEntries(data);
      return staged === undefined ? `sha256:${createHash('sha256').update(data).digest('hex')}` : `git index staging sha256:${staged}`;
    }
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(CHUNK);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
    return `sha256:${hash.digest('hex')}`;
  } finally {
    closeSync(fd);
  }
}

function readWhole(fd: number): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(CHUNK);
  for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null)) chunks.push(Buffer.from(buffer.subarray(0, n)));
  return Buffer.concat(chunks);
}

/**
 * The sha256 of what a git index (version 2 or 3) stages: each entry's mode, object id, flags
 * and path, without the stat data and extensions that `git status` rewrites. Undefined for an
 * index this does not parse (version 4, or not an index at all): the caller hashes the bytes.
 */
function gitIndexEntries(data: Buffer): string | undefined {
  if (data.length < 12 || data.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = data.readUInt32BE(4);
  if (version !== 2 && version !== 3) return undefined;
  const hash = createHash('sha256');
  let at = 12;
  for (let count = data.readUInt32BE(8); count > 0; count--) {
    // ctime, mtime, dev, ino (24 bytes), then mode; uid, gid, size; the 20-byte object id; flags.
    if (at + 62 > data.length) return undefined;
    const mode = data.readUInt32BE(at + 24);
    const id = data.toString('hex', at + 40, at + 60);
    const flags = data.readUInt16BE(at + 60);
    const extended = version === 3 && (flags & 0x4000) !== 0;
    const nameAt = at + 62 + (extended ? 2 : 0);
    const end = data.indexOf(0, nameAt);
    if (end < 0) return undefined;
    hash.update(`${mode.toString(8)} ${id} ${flags & 0x3000} ${data.toString('utf8', nameAt, end)}\n`);
    // Entries are padded with NULs to a multiple of 8 bytes (at least one NUL).
    at += Math.floor((end - at + 8) / 8) * 8;
  }
  return hash.digest('hex');
}
