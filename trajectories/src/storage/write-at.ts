import { writevSync } from 'node:fs';

/**
 * Most buffers one writev(2) is given: Linux's IOV_MAX is 1024, and libuv would split a
 * longer list into several calls anyway.
 */
export const MAX_WRITE_BUFFERS = 1024;

/**
 * Writes `buffers` at `position`, going on after a short write until all `length` bytes are
 * in: the caller learns only "all" or an error, never "part". Synchronous on purpose: a write
 * into the page cache takes microseconds, less than the thread-pool round trip an asynchronous
 * write costs each batch (docs/trajectories.md has the measurement).
 */
export function writeAllAt(fd: number, buffers: Uint8Array[], length: number, position: number): void {
  let rest = buffers;
  let written = 0;
  while (written < length) {
    const n = writevSync(fd, rest, position + written);
    if (n === 0) throw new Error(`write to fd ${fd} made no progress at offset ${position + written}`);
    written += n;
    if (written < length) rest = skipBytes(rest, n);
  }
}

/** `buffers` without their first `n` bytes (views, no copy). */
function skipBytes(buffers: Uint8Array[], n: number): Uint8Array[] {
  let i = 0;
  while (n >= buffers[i]!.length) n -= buffers[i++]!.length;
  const first = buffers[i]!;
  return [first.subarray(n), ...buffers.slice(i + 1)];
}
