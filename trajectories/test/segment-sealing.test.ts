import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackgroundSync } from '../src/background-sync.js';
import { GrowingFileHash } from '../src/growing-file-hash.js';
import { createRun, verifyRun } from '../src/index.js';
import type { ShardTable } from '../src/run-files.js';
import { makeEpisode } from './make-episode.js';
import { tempDir } from './temp-dir.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Writes `size` random bytes to `path` and hashes them with a GrowingFileHash told `hashedPath`. */
function hashWritten(path: string, size: number, hashedPath = path) {
  writeFileSync(path, randomBytes(size));
  const fd = openSync(path, 'r');
  try {
    const hash = new GrowingFileHash(hashedPath);
    hash.advance(size);
    return { digest: hash.finish(size, fd), expected: sha256(readFileSync(path)), byWorker: hash.byWorker };
  } finally {
    closeSync(fd);
  }
}

describe('hashing a growing file on a worker thread', () => {
  it('gives the sha256 of the whole file after it grew in many steps', () => {
    const path = join(tempDir(), 'growing');
    writeFileSync(path, 'head');
    const fd = openSync(path, 'r');
    const hash = new GrowingFileHash(path);
    let size = 4;
    for (let i = 0; i < 9; i++) {
      // Steps smaller and larger than the worker's: some advance() calls hand it nothing.
      const part = randomBytes(i % 2 ? 700_000 : 1_300_000);
      appendFileSync(path, part);
      size += part.length;
      hash.advance(size);
    }
    expect(hash.finish(size, fd)).toBe(sha256(readFileSync(path)));
    expect(hash.byWorker).toBe(true);
    closeSync(fd);
  });

  it('hashes a file that stayed under one step on this thread, without the worker', () => {
    const { digest, expected, byWorker } = hashWritten(join(tempDir(), 'small'), 300_000);
    expect(digest).toBe(expected);
    expect(byWorker).toBe(false);
  });

  it('hashes on this thread when the worker cannot read the file', () => {
    const dir = tempDir();
    const { digest, expected, byWorker } = hashWritten(join(dir, 'real'), 3_000_000, join(dir, 'not-there'));
    expect(digest).toBe(expected);
    expect(byWorker).toBe(false);
  });

  it('keeps hashing other files after one was cancelled', () => {
    const dir = tempDir();
    const [a, b] = ['a', 'b'].map((name) => join(dir, name)) as [string, string];
    writeFileSync(a, randomBytes(2_500_000));
    writeFileSync(b, randomBytes(2_500_000));
    const dropped = new GrowingFileHash(a);
    const kept = new GrowingFileHash(b);
    dropped.advance(2_500_000);
    kept.advance(2_500_000);
    dropped.cancel();
    const fd = openSync(b, 'r');
    expect(kept.finish(2_500_000, fd)).toBe(sha256(readFileSync(b)));
    expect(kept.byWorker).toBe(true);
    closeSync(fd);
  });
});

describe('background sync', () => {
  it('keeps the error a background sync met for the next check', async () => {
    // A descriptor number no process has open: the background fdatasync fails with EBADF.
    const sync = new BackgroundSync(0x3fffffff);
    expect(() => sync.check()).not.toThrow();
    sync.advance(8 << 20);
    await sync.settled();
    expect(() => sync.check()).toThrow(/EBADF/);
  });

  it('closes the descriptor only once the sync in flight returned', async () => {
    const path = join(tempDir(), 'file');
    writeFileSync(path, randomBytes(3 << 20));
    const fd = openSync(path, 'r+');
    const sync = new BackgroundSync(fd);
    sync.advance(3 << 20);
    const closed: number[] = [];
    sync.close((n) => {
      closed.push(n);
      closeSync(n);
    });
    expect(closed).toEqual([]);
    await sync.settled();
    expect(closed).toEqual([fd]);
  });
});

describe('sealing shards', () => {
  it('records the sha256 of every shard file, rotated or finalised, and verify agrees', async () => {
    const dir = join(tempDir(), 'run');
    // ~3.5 KB records and 3 MB shards: several worker steps per shard, two rotations.
    const writer = await createRun(dir, { shardBytes: 3_000_000 });
    for (let i = 0; i < 2400; i++) await writer.append(makeEpisode({ seed: i + 1 }));
    await writer.finalize();

    const table = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as ShardTable;
    expect(table.shards.length).toBeGreaterThanOrEqual(3);
    for (const shard of table.shards) {
      expect(shard.sealed).toBe(true);
      expect(shard.sha256).toBe(sha256(readFileSync(join(dir, 'shards', shard.name))));
    }
    expect((await verifyRun(dir)).ok).toBe(true);
  });
});
