import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRun,
  DuplicateEpisodeError,
  InvalidRecordError,
  openRun,
  resumeRun,
  RunExistsError,
  RunLockedError,
  RunNotFoundError,
  verifyRun,
  WriterClosedError,
} from '../src/index.js';
import { makeEpisode } from './make-episode.js';
import { tempDir } from './temp-dir.js';

describe('RunWriter', () => {
  it('serialises concurrent appends and blob puts from many tasks', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir, { shardBytes: 50_000, packBytes: 200_000 });
    const workers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < 25; i++) {
        const seed = w * 100 + i + 1;
        const shot = await writer.putBlob(Buffer.alloc(3000, seed % 251));
        await writer.append(makeEpisode({ seed, images: () => [{ sha256: shot, size: 3000 }] }));
      }
    });
    // And a burst fired without waiting, as a runner finishing many episodes at once would.
    const burst = Array.from({ length: 50 }, (_, i) => writer.append(makeEpisode({ seed: 10_000 + i })));
    await Promise.all([...workers, ...burst]);
    await writer.finalize();

    await using reader = await openRun(dir);
    expect(reader.size).toBe(250);
    expect(new Set(reader.episodeIds()).size).toBe(250);
    const report = await verifyRun(dir);
    expect(report.problems).toEqual([]);
    const fills = new Set(Array.from({ length: 8 }, (_, w) => Array.from({ length: 25 }, (_, i) => (w * 100 + i + 1) % 251)).flat());
    // One blob per distinct screenshot, plus the tool list.
    expect(report.blobs).toBe(fills.size + 1);
  });

  it('rejects a second writer on the same run while the first is open', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    await expect(resumeRun(dir)).rejects.toBeInstanceOf(RunLockedError);
    await writer.close();
    const again = await resumeRun(dir);
    await again.close();
  });

  it('refuses to create over an existing run and to resume a folder without one', async () => {
    const dir = join(tempDir(), 'run');
    await (await createRun(dir)).close();
    await expect(createRun(dir)).rejects.toBeInstanceOf(RunExistsError);
    await expect(resumeRun(join(dir, 'nothing'))).rejects.toBeInstanceOf(RunNotFoundError);
  });

  it('rejects a duplicate episode id, a missing id, an unknown status and a wrong tools hash', async () => {
    const dir = join(tempDir(), 'run');
    await using writer = await createRun(dir);
    await writer.append(makeEpisode({ seed: 1 }));
    await expect(writer.append(makeEpisode({ seed: 1 }))).rejects.toBeInstanceOf(DuplicateEpisodeError);
    await expect(writer.append({ ...makeEpisode({ seed: 2 }), episodeId: '' })).rejects.toBeInstanceOf(InvalidRecordError);
    await expect(writer.append({ ...makeEpisode({ seed: 3 }), status: 'done' })).rejects.toThrow(/is not one of success, failure/);
    await expect(writer.append({ ...makeEpisode({ seed: 4 }), toolsHash: 'f'.repeat(64) })).rejects.toThrow(/does not match its tools/);
    // Rejected records leave the writer usable.
    await writer.append(makeEpisode({ seed: 5 }));
    expect(writer.episodeIds()).toEqual(['ep-000001', 'ep-000005']);
  });

  it('refuses appends after close and after finalize', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    await writer.finalize();
    await expect(writer.append(makeEpisode())).rejects.toBeInstanceOf(WriterClosedError);
    await writer.close();
    await expect(writer.putBlob(Buffer.from('x'))).rejects.toBeInstanceOf(WriterClosedError);
  });

  it('stores equal blobs once and keeps the tool list once per distinct list', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    const a = await writer.putBlob(Buffer.from('same bytes'));
    const b = await writer.putBlob(Buffer.from('same bytes'));
    expect(a).toBe(b);
    for (let i = 1; i <= 5; i++) await writer.append(makeEpisode({ seed: i }));
    await writer.finalize();
    const report = await verifyRun(dir);
    // The screenshot-like blob and one tool list.
    expect(report.blobs).toBe(2);
  });
});
