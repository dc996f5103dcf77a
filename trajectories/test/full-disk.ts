import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A real small filesystem (a tmpfs of `bytes`), mounted for the test and unmounted after it,
 * so that writes meet a real ENOSPC from the kernel. Mounting needs root (the test machines
 * and CI run as root).
 */
export function smallDisk(bytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot mount a ${bytes}-byte tmpfs for a full-disk test (this needs root): ${(error as Error).message}`);
  }
  onTestFinished(() => {
    // Lazily: a test that failed may still hold files open there.
    execFileSync('umount', ['--lazy', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Writes `path` until the disk is full (or `limit` bytes were written); returns how many bytes it holds. */
export function fill(path: string, limit = Number.POSITIVE_INFINITY): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(16 << 10, 0x55);
  let written = 0;
  try {
    while (written < limit) written += writeSync(fd, chunk, 0, Math.min(chunk.length, limit - written));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return written;
}
