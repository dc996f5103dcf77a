import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackgroundSync } from '../src/storage/background-sync.js';
import { createRun, verifyRun } from '../src/index.js';
import type { ShardTable } from '../src/storage/run-files.js';
import { makeEpisode } from './make-episode.js';
import { tempDir } from './temp-dir.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

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
    // ~3.5 KB records and 3 MB shards: two rotations.
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
