import { writev } from 'node:fs';

/**
 * Most buffers one writev(2) is given: Linux's IOV_MAX is 1024, and libuv would split a
 * longer list into several calls anyway.
 */
export const MAX_WRITE_BUFFERS = 1024;

/**
 * Writes `buffers` at `position` on the thread pool, going on after a short write until
 * all `length` bytes are in: the caller learns only "all" or an error, never "part".
 */
export async function writeAllAt(fd: number, buffers: Uint8Array[], length: number, position: number): Promise<void> {
  let rest = buffers;
  let written = 0;
  while (written < length) {
    const n = await writevAt(fd, rest, position + written);
    if (n === 0) throw new Error(`write to fd ${fd} made no progress at offset ${position + written}`);
    written += n;
    if (written < length) rest = skipBytes(rest, n);
  }
}

function writevAt(fd: number, buffers: Uint8Array[], position: number): Promise<number> {
  return new Promise((resolve, reject) => writev(fd, buffers, position, (error, n) => (error ? reject(error) : resolve(n))));
}

/** `buffers` without their first `n` bytes (views, no copy). */
function skipBytes(buffers: Uint8Array[], n: number): Uint8Array[] {
  let i = 0;
  while (n >= buffers[i]!.length) n -= buffers[i++]!.length;
  const first = buffers[i]!;
  return [first.subarray(n), ...buffers.slice(i + 1)];
}
