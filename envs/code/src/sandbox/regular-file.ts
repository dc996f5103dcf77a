import { closeSync, constants, fstatSync, ftruncateSync, openSync, readSync, writeSync, type Stats } from 'node:fs';
import { WorkgymError } from '@workgym/protocol';

// Never follow a final symlink and never wait on a FIFO: the agent controls every path here.
const SAFE = constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The path names something other than a regular file (a FIFO, socket, device or symlink). */
export class NotRegularFileError extends WorkgymError {
  constructor(readonly what: string) {
    super('WORKGYM_NOT_REGULAR_FILE', `not a regular file (${what})`);
  }
}

/** The file holds more bytes than the caller reads. */
export class FileTooLargeError extends WorkgymError {
  constructor(readonly size: number) {
    super('WORKGYM_FILE_TOO_LARGE', `file of ${size} bytes`);
  }
}

export function describeType(stat: Stats): string {
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'directory';
  return 'file';
}

/**
 * Opens `path` only if it is a regular file, with a check that cannot race: open without
 * following a final link and without blocking, then look at what was opened. A directory
 * gives EISDIR (for writing) or is reported like any other non-regular file.
 */
function openRegular(path: string, flags: number, mode?: number): { fd: number; stat: Stats } {
  let fd: number;
  try {
    fd = openSync(path, flags | SAFE, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // O_NOFOLLOW on a link gives ELOOP; O_NONBLOCK on a FIFO with no reader gives ENXIO.
    if (code === 'ELOOP') throw new NotRegularFileError('symlink');
    if (code === 'ENXIO') throw new NotRegularFileError('fifo');
    throw error;
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new NotRegularFileError(describeType(stat));
  }
  return { fd, stat };
}

function readAll(fd: number, size: number, maxBytes: number): Buffer {
  // The size may change while reading (never here: nothing of the agent runs), so read to EOF, capped.
  const buffer = Buffer.alloc(Math.min(size, maxBytes) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) throw new FileTooLargeError(Math.max(size, length));
    const n = readSync(fd, buffer, length, buffer.length - length, length);
    if (n === 0) return buffer.subarray(0, length);
    length += n;
  }
}

/** The bytes of a regular file of at most `maxBytes`. */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  const { fd, stat } = openRegular(path, constants.O_RDONLY);
  try {
    if (stat.size > maxBytes) throw new FileTooLargeError(stat.size);
    return readAll(fd, stat.size, maxBytes);
  } finally {
    closeSync(fd);
  }
}

/** Creates or overwrites a regular file; never writes through a link or into a FIFO. */
export function writeRegularFile(path: string, content: string | Buffer): void {
  const { fd } = openRegular(path, constants.O_WRONLY | constants.O_CREAT, 0o644);
  try {
    ftruncateSync(fd, 0);
    writeFully(fd, typeof content === 'string' ? Buffer.from(content) : content);
  } finally {
    closeSync(fd);
  }
}

/** Reads a regular file, lets `change` compute its new content, and writes it back through the same descriptor. */
export function rewriteRegularFile<T>(path: string, maxBytes: number, change: (old: Buffer) => { content: string; result: T }): T {
  const { fd, stat } = openRegular(path, constants.O_RDWR);
  try {
    if (stat.size > maxBytes) throw new FileTooLargeError(stat.size);
    const { content, result } = change(readAll(fd, stat.size, maxBytes));
    ftruncateSync(fd, 0);
    writeFully(fd, Buffer.from(content));
    return result;
  } finally {
    closeSync(fd);
  }
}

/** Creates a new regular file; fails (EEXIST) if anything, a link included, is already there. */
export function createRegularFile(path: string, content: string | Buffer, mode = 0o644): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | SAFE, mode);
  try {
    writeFully(fd, typeof content === 'string' ? Buffer.from(content) : content);
  } finally {
    closeSync(fd);
  }
}

function writeFully(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length;) offset += writeSync(fd, data, offset, data.length - offset, offset);
}
