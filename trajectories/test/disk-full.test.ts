import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun, openRun, resumeRun, runStats, RunWriteError, verifyRun } from '../src/index.js';
import { fill, smallDisk } from './full-disk.js';
import { makeEpisode } from './make-episode.js';

const temps = (dir: string) => readdirSync(dir).filter((name) => name.includes('.tmp-'));

describe('a full disk', () => {
  it('fails the append that meets it with one clear error, keeps everything acknowledged, and the run resumes once there is room', async () => {
    const disk = smallDisk(1 << 20);
    const room = join(disk, 'room');
    fill(room, 256 << 10);
    const dir = join(disk, 'run');
    const writer = await createRun(dir);
    const acknowledged: string[] = [];
    let failure: unknown;
    for (let seed = 1; failure === undefined; seed++) {
      try {
        const sha256 = await writer.putBlob(randomBytes(30_000));
        await writer.append(makeEpisode({ seed, images: (step) => (step === 0 ? [{ sha256, size: 30_000 }] : []) }));
        acknowledged.push(makeEpisode({ seed }).episodeId!);
      } catch (error) {
        failure = error;
      }
    }
    expect(failure).toBeInstanceOf(RunWriteError);
    expect(failure).toMatchObject({ errno: 'ENOSPC' });
    expect((failure as Error).message).toMatch(
      new RegExp(
        `^cannot write ${dir}/(shards|blobs)/00000\\d\\.wg[sb]: no space left on the disk \\(ENOSPC\\); the run keeps every episode appended before it: make room, then resume the run$`,
      ),
    );
    await writer.close();
    expect(existsSync(join(dir, 'writer.lock'))).toBe(false);
    expect(temps(dir)).toEqual([]);

    // Still full: reading needs no room.
    const reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(acknowledged);
    expect(runStats(reader).episodes).toBe(acknowledged.length);
    await reader.close();
    expect(temps(dir)).toEqual([]);

    rmSync(room);
    const resumed = await resumeRun(dir);
    expect(resumed.episodeIds()).toEqual(acknowledged);
    await resumed.append(makeEpisode({ seed: 1000 }));
    await resumed.finalize();
    expect(await verifyRun(dir)).toMatchObject({ ok: true, episodes: acknowledged.length + 1 });
  });

  it('fails a flush whose index files do not fit, removes their temp files, and readers still open the run', async () => {
    const disk = smallDisk(1 << 20);
    const dir = join(disk, 'run');
    const writer = await createRun(dir);
    for (let seed = 1; seed <= 5; seed++) await writer.append(makeEpisode({ seed }));
    const room = join(disk, 'room');
    fill(room);

    await expect(writer.flush()).rejects.toMatchObject({ name: 'RunWriteError', errno: 'ENOSPC' });
    expect(temps(dir)).toEqual([]);
    await expect(writer.close()).rejects.toBeInstanceOf(RunWriteError);
    expect(temps(dir)).toEqual([]);
    expect(existsSync(join(dir, 'writer.lock'))).toBe(false);
    // Nothing was ever flushed: a reader catches the index up from the shard, in memory.
    expect(existsSync(join(dir, 'episodes.idx'))).toBe(false);
    await using reader = await openRun(dir);
    expect(reader.size).toBe(5);
    expect((await reader.get('ep-000003'))?.seed).toBe(3);
    expect(temps(dir)).toEqual([]);
    expect(existsSync(join(dir, 'episodes.idx'))).toBe(false);

    rmSync(room);
    const resumed = await resumeRun(dir);
    expect(resumed.size).toBe(5);
    await resumed.finalize();
    expect(await verifyRun(dir)).toMatchObject({ ok: true, episodes: 5 });
  });

  it('leaves no file behind when a new segment cannot be created', async () => {
    const disk = smallDisk(1 << 20);
    const dir = join(disk, 'run');
    const writer = await createRun(dir);
    fill(join(disk, 'room'));
    // The first blob starts the first pack: its 8-byte header does not fit.
    await expect(writer.putBlob(Buffer.alloc(100, 1))).rejects.toMatchObject({ name: 'RunWriteError', errno: 'ENOSPC' });
    expect(readdirSync(join(dir, 'blobs'))).toEqual([]);
    await writer.close().catch(() => undefined);
    await using reader = await openRun(dir);
    expect(reader.repairs).toEqual([]);
  });

  it('leaves temp files of a killed writer to the next resume, which removes them; verify reports them meanwhile', async () => {
    const disk = smallDisk(1 << 20);
    const dir = join(disk, 'run');
    const writer = await createRun(dir);
    await writer.append(makeEpisode({ seed: 1 }));
    await writer.finalize();
    // What a writer killed between writing and renaming its index files leaves behind.
    writeFileSync(join(dir, 'episodes.idx.tmp-4242-0badf00d'), 'half an index');

    const report = await verifyRun(dir);
    expect(report.ok).toBe(true);
    expect(report.notes).toContain(
      'episodes.idx.tmp-4242-0badf00d was left by an interrupted write of the index files (a full disk?); the next resume removes it, or delete it',
    );
    await using resumed = await resumeRun(dir);
    expect(resumed.repairs).toEqual([expect.objectContaining({ file: 'episodes.idx.tmp-4242-0badf00d', droppedBytes: 13, truncated: true })]);
    expect(temps(dir)).toEqual([]);
  });
});
